import type { z } from 'zod';
import { GUIDE_STEP_IDS } from './ids.ts';
import { type Requirements, requirementsSchema } from './schemas.ts';

const manifest = {
  whmcs: {
    minimumVersion: '7.4',
    recommendedVersion: '7.7',
    features: [
      {
        id: 'api-credentials',
        since: '7.2',
        required: true,
        why: 'An identifier and secret issued to an administrator; before 7.2 the API took only an admin password.',
      },
      {
        id: 'api-roles',
        since: '7.4',
        required: true,
        why: 'Limits the credential to `GetInvoices`; without roles a credential can call every action.',
      },
      {
        id: 'getinvoices-orderby',
        since: '7.7',
        required: false,
        why: '`orderby=id` gives a stable order to page through; WHMCS’s default order can repeat or skip invoices between pages.',
      },
    ],
  },
  requiredApiActions: ['GetInvoices'],
  adminRole: 'Support Operator',
  guideSteps: [...GUIDE_STEP_IDS],
  network: [
    {
      id: 'https-to-whmcs',
      summary: 'HTTPS from the module server to WHMCS',
      detail:
        'The bridge sends `POST` requests to `https://<WHMCS>/includes/api.php` (port 443 unless the URL names another). It refuses plain `http://` because the secret travels in every request.',
      guideStep: 'record-credentials',
    },
    {
      id: 'outgoing-address-allowed',
      summary: 'The module server’s outgoing address on the allowlist, or an access key',
      detail:
        'Every outgoing address the bridge may use, IPv4 and IPv6 separately, is on WHMCS’s API IP Access Restriction list; or the bridge sends the access key set as `$api_access_key` in WHMCS’s configuration.php.',
      guideStep: 'allow-module-server-ip',
    },
    {
      id: 'real-address-through-proxies',
      summary: 'WHMCS sees the real caller through any proxy in front of it',
      detail:
        'Behind Cloudflare, a load balancer or a reverse proxy, WHMCS’s Trusted Proxies setting names the proxy so that WHMCS checks the module server’s address, not the proxy’s; a firewall in front lets the module server reach `/includes/api.php`.',
      guideStep: 'proxies',
    },
  ],
} satisfies z.input<typeof requirementsSchema>;

/**
 * What a WHMCS installation and the module server must provide for the bridge to work: versions, the
 * one API action, the admin role, the setup steps in order, and the network path. Parsed by its schema
 * when this module loads.
 *
 * @example
 * requirements.requiredApiActions; // ['GetInvoices']
 * requirements.whmcs.minimumVersion; // '7.4'
 */
export const requirements: Requirements = requirementsSchema.parse(manifest);
