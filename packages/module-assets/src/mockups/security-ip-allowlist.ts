import type { Mockup } from '../schemas.ts';
import {
  adminFrame,
  box,
  button,
  buttonWidth,
  COLOR,
  checkbox,
  fieldRow,
  group,
  highlight,
  input,
  lines,
  panel,
  svgDocument,
  tabs,
  text,
} from './kit.ts';

const WIDTH = 960;
const HEIGHT = 720;
const PANEL_X = 24;
const PANEL_WIDTH = 912;
const LABEL_WIDTH = 250;
const CONTROL_X = PANEL_X + LABEL_WIDTH + 14;
const TABS_Y = 124;
const PANEL_Y = TABS_Y + 32;

export const EXAMPLE_MODULE_SERVER_IP = '203.0.113.25';
const EXISTING_ENTRY = '198.51.100.7 - Reporting server';

const SETTINGS_TABS = [
  'General',
  'Localisation',
  'Ordering',
  'Domains',
  'Mail',
  'Support',
  'Invoices',
  'Credit',
  'Affiliates',
  'Security',
  'Social',
  'Other',
];

function listBox(x: number, y: number, width: number, height: number, entries: readonly string[]): string {
  return [
    box(x, y, width, height, { fill: '#ffffff', stroke: '#bfc8d3', radius: 3 }),
    ...entries.map((entry, index) => text(x + 10, y + 20 + index * 22, entry, { size: 13 })),
  ].join('');
}

const rowX = PANEL_X + 1;
const rowWidth = PANEL_WIDTH - 2;
const banY = PANEL_Y + 16;
const whitelistY = banY + 40;
const proxiesY = whitelistY + 80;
const allowlistY = proxiesY + 80;
const logY = allowlistY + 220;

const allowlistButtonsY = allowlistY + 100;
const addIpButtonWidth = buttonWidth('Add IP');

// The Add IP dialog, drawn beside the list it adds to.
const popup = { x: CONTROL_X + 320, y: allowlistY + 6, width: 330, height: 160 };
const addIpPopup = [
  box(popup.x + 3, popup.y + 4, popup.width, popup.height, { fill: '#000000', radius: 5, opacity: 0.15 }),
  box(popup.x, popup.y, popup.width, popup.height, { fill: COLOR.panel, stroke: '#aab4c0', radius: 5 }),
  text(popup.x + 16, popup.y + 26, 'Add IP', { size: 15, weight: '600' }),
  text(popup.x + 16, popup.y + 56, 'IP Address', { weight: '600', size: 12 }),
  highlight({
    name: 'api-ip',
    x: popup.x + 100,
    y: popup.y + 38,
    width: 214,
    height: 28,
    step: 1,
    content: group(
      { 'data-field': 'ip-address' },
      input(popup.x + 100, popup.y + 38, 214, EXAMPLE_MODULE_SERVER_IP, { mono: true }),
    ),
    note: {
      x: popup.x,
      y: popup.y + popup.height + 10,
      lines: ['One exact address: no /24, no *.', 'IPv6 is a separate entry.'],
    },
  }),
  text(popup.x + 16, popup.y + 94, 'Notes', { weight: '600', size: 12 }),
  input(popup.x + 100, popup.y + 76, 214, 'Forecaster Bridge, module-01'),
  button(popup.x + popup.width - 16 - addIpButtonWidth, popup.y + 116, 'Add IP', 'primary'),
].join('');

const saveY = logY + 66;

const content = [
  adminFrame(WIDTH, ['System Settings', 'General Settings', 'Security'], 'General Settings'),
  tabs(PANEL_X + 8, TABS_Y, SETTINGS_TABS, 'Security', 12),
  panel(PANEL_X, PANEL_Y, PANEL_WIDTH, HEIGHT - PANEL_Y - 20),
  fieldRow({
    x: rowX,
    y: banY,
    width: rowWidth,
    labelWidth: LABEL_WIDTH,
    label: 'Failed Admin Login Ban Time',
    control: input(CONTROL_X, banY + 5, 60, '15') + text(CONTROL_X + 72, banY + 24, 'Minutes'),
  }),
  fieldRow({
    x: rowX,
    y: whitelistY,
    width: rowWidth,
    labelWidth: LABEL_WIDTH,
    label: 'Whitelisted IPs',
    height: 80,
    control:
      listBox(CONTROL_X, whitelistY + 8, 300, 40, []) +
      button(CONTROL_X, whitelistY + 10 + 42, 'Add IP', 'link'),
  }),
  fieldRow({
    x: rowX,
    y: proxiesY,
    width: rowWidth,
    labelWidth: LABEL_WIDTH,
    label: 'Trusted Proxies',
    height: 80,
    control:
      text(CONTROL_X, proxiesY + 26, 'Proxy IP Header', { size: 12, weight: '600' }) +
      input(CONTROL_X + 124, proxiesY + 8, 190, 'X-Forwarded-For') +
      lines(CONTROL_X, proxiesY + 58, ['Behind Cloudflare or a load balancer, list the proxies here.'], {
        size: 12,
        fill: COLOR.muted,
      }),
  }),
  fieldRow({
    x: rowX,
    y: allowlistY,
    width: rowWidth,
    labelWidth: LABEL_WIDTH,
    label: 'API IP Access Restriction',
    height: 220,
    control: [
      listBox(CONTROL_X, allowlistY + 10, 300, 84, [EXISTING_ENTRY]),
      button(CONTROL_X, allowlistButtonsY, 'Add IP'),
      button(CONTROL_X + addIpButtonWidth + 8, allowlistButtonsY, 'Remove Selected'),
    ].join(''),
  }),
  fieldRow({
    x: rowX,
    y: logY,
    width: rowWidth,
    labelWidth: LABEL_WIDTH,
    label: 'Log API Authentication',
    control: checkbox(CONTROL_X, logY + 11, 'Log each API authentication in the activity log', {
      checked: false,
    }),
  }),
  highlight({
    name: 'save-changes',
    x: WIDTH / 2 - buttonWidth('Save Changes') / 2,
    y: saveY,
    width: buttonWidth('Save Changes'),
    height: 30,
    step: 2,
    content: button(WIDTH / 2 - buttonWidth('Save Changes') / 2, saveY, 'Save Changes', 'primary'),
    note: {
      x: WIDTH / 2 + buttonWidth('Save Changes') / 2 + 20,
      y: saveY,
      lines: ['Nothing is kept until you save'],
    },
  }),
  addIpPopup,
].join('');

/** System Settings > General Settings > Security, adding the module server to the API allowlist. */
export const securityIpAllowlistMockup: Mockup = {
  title: 'Security tab: adding the module server to API IP Access Restriction',
  svg: svgDocument({
    id: 'security-ip-allowlist',
    title: 'WHMCS Security settings with the module server’s address being added to the API allowlist',
    description: `The Security tab of General Settings. Under API IP Access Restriction, which already lists ${EXISTING_ENTRY}, the Add IP dialog holds the address ${EXAMPLE_MODULE_SERVER_IP} (marked 1) with the note Forecaster Bridge, module-01. Save Changes is marked 2.`,
    width: WIDTH,
    height: HEIGHT,
    content,
  }),
};
