import { defineConfig } from 'vitepress';

// The site loads nothing from elsewhere at run time: the default theme's font is bundled, search
// is the local index, and there is no analytics. The browser test holds every request to this.
export default defineConfig({
  title: 'Forecaster Bridge',
  description:
    'Invoices from every WHMCS, synced, normalized and served to the Commitment Forecaster: setup, deployment and reference.',
  lang: 'en',
  srcDir: 'src',
  // Generated tables that pages include; not pages of their own.
  srcExclude: ['parts/**'],
  cleanUrls: true,
  // A dead internal link (a renamed page or anchor) fails the build.
  ignoreDeadLinks: false,
  lastUpdated: false,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  themeConfig: {
    nav: [
      { text: 'Setup guide', link: '/setup-guide', activeMatch: '^/setup-guide' },
      { text: 'Deploy', link: '/deploy' },
      { text: 'WHMCS module', link: '/module' },
      { text: 'Troubleshooting', link: '/troubleshooting' },
      { text: 'Client', link: '/client' },
      {
        text: 'Reference',
        items: [
          { text: 'Configuration', link: '/reference/configuration' },
          { text: 'HTTP API', link: '/reference/api' },
          { text: 'The invoice', link: '/reference/invoice' },
        ],
      },
    ],
    sidebar: [
      {
        text: 'Forecaster Bridge',
        items: [
          { text: 'Overview', link: '/' },
          { text: 'Setup guide', link: '/setup-guide' },
          { text: 'Deploying the bridge', link: '/deploy' },
          { text: 'PostgreSQL and several bridges', link: '/postgres' },
          { text: 'Install the module in WHMCS', link: '/module' },
          { text: 'Point an existing module at the bridge', link: '/facade' },
          { text: 'Troubleshooting', link: '/troubleshooting' },
          { text: 'Reliability', link: '/reliability' },
          { text: 'Figures and forecast', link: '/forecasting' },
          { text: 'Commitments, costs and alerts', link: '/commitments' },
          { text: 'Connections managed through the API', link: '/connections' },
        ],
      },
      {
        text: 'Developers',
        items: [{ text: 'Using the WHMCS client', link: '/client' }],
      },
      {
        text: 'Reference',
        items: [
          { text: 'Configuration', link: '/reference/configuration' },
          { text: 'HTTP API', link: '/reference/api' },
          { text: 'The invoice', link: '/reference/invoice' },
        ],
      },
    ],
    outline: { level: [2, 2], label: 'On this page' },
    search: { provider: 'local' },
    docFooter: { prev: 'Previous', next: 'Next' },
  },
});
