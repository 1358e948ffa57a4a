import type { z } from 'zod';
import { BRIDGE_CONFIG, type GuideStepId } from './ids.ts';
import { type Guide, type GuideStep, guideSchema } from './schemas.ts';

// Addresses and host names come from the ranges reserved for documentation (RFC 5737, RFC 3849,
// RFC 2606), so no example can point at a real machine.
const guide = {
  title: 'Connect the Commitment Forecaster to WHMCS',
  intro: [
    'The Forecaster Bridge runs on the module server and reads invoices from WHMCS through its external API. This guide gives it the least access that works: a dedicated administrator, an API role that allows one action (`GetInvoices`), a credential bound to both, and the module server’s address on WHMCS’s API allowlist.',
    'You need a WHMCS administrator account with full rights, WHMCS 7.4 or later (7.7 or later recommended), and a shell on the module server. Menu paths are those of WHMCS 8, where System Settings sits behind the wrench icon (Configuration) at the top right; WHMCS 7 paths are given where they differ.',
  ],
  steps: [
    {
      id: 'least-privilege',
      title: 'Why a dedicated, read-only credential',
      kind: 'reference',
      summary: 'What the credential this guide creates can and cannot do, and why.',
      menuPath: [],
      body: [
        {
          type: 'paragraph',
          text: 'The bridge needs to read invoices and nothing else. Every step below narrows what its credential can do, so that a secret that leaks from the module server is worth as little as possible to whoever finds it.',
        },
        {
          type: 'paragraph',
          text: 'With the role from this guide, the credential can call `GetInvoices` and nothing more. It cannot:',
        },
        {
          type: 'list',
          ordered: false,
          items: [
            'create, change, cancel or delete invoices, quotes, payments, credits or refunds;',
            'read client profiles (addresses, email addresses, phone numbers) or stored payment methods such as cards and bank accounts;',
            'accept orders, provision or suspend services, or touch domains, servers, tickets or settings;',
            'log in to the admin area: the secret is not the administrator’s password.',
          ],
        },
        {
          type: 'paragraph',
          text: 'What it can read is still confidential: invoice amounts, dates and statuses, with each client’s name and company. Treat the secret like a password.',
        },
        {
          type: 'paragraph',
          text: 'The allowlist adds a second fence: WHMCS accepts the credential only from the module server’s address, so a copied secret is useless from anywhere else.',
        },
      ],
      verify:
        'When setup is complete, `forecaster-bridge check` passes and does not report `over_privileged`, which it raises when it finds the role allows more than `GetInvoices`.',
    },
    {
      id: 'create-admin-user',
      title: 'Create an administrator for the bridge',
      kind: 'required',
      summary: 'Add a dedicated administrator with the Support Operator role.',
      menuPath: ['System Settings', 'Administrator Users'],
      menuPathLegacy: ['Setup', 'Staff Management', 'Administrator Users'],
      body: [
        {
          type: 'paragraph',
          text: 'Every API credential belongs to an administrator. Create one that exists only for the bridge rather than using a person’s account: when a person leaves, changes role or has their account disabled, an integration tied to them stops, and WHMCS’s logs cannot tell what the person did from what the bridge did.',
        },
        {
          type: 'list',
          ordered: true,
          items: [
            'Open System Settings > Administrator Users.',
            'Click Add New Administrator.',
            'Fill in the form as in the table below.',
            'Click Save Changes.',
          ],
        },
        {
          type: 'image',
          mockupId: 'add-admin-user',
          alt: 'The Add Administrator form with Administrator Role set to Support Operator, the name Forecaster Bridge, a team email address, the username forecaster-bridge, and the Disable box left unticked.',
          caption: 'Administrator Role is the one field that matters most: choose Support Operator.',
        },
        {
          type: 'fields',
          caption: 'Add New Administrator',
          rows: [
            {
              field: 'Administrator Role',
              value: 'Support Operator',
              note: 'The most limited of WHMCS’s built-in roles. The API role ([[create-api-role]]) decides what the credential may call; this role limits what the account could do in the admin area if its password ever leaked.',
            },
            {
              field: 'First Name, Last Name',
              value: 'Forecaster, Bridge',
              note: 'Shown in WHMCS’s logs and in the credential list: make it plain that this is a service account.',
            },
            {
              field: 'Email Address',
              value: 'A team mailbox, for example `billing-systems@example.com`',
              note: 'WHMCS sends password resets and notices here. A shared address outlives staff changes. Each administrator needs a different address.',
            },
            {
              field: 'Username',
              value: '`forecaster-bridge`',
              note: 'The name you pick when generating the credential. It is not the API identifier.',
            },
            {
              field: 'Password, Confirm Password',
              value: 'A random password of at least 24 characters from a password manager',
              note: 'Nobody logs in with it and the bridge never uses it, but a weak password on any administrator is a way into WHMCS. Keep it in the password manager.',
            },
            {
              field: 'Assigned Departments',
              value: 'None',
              note: 'The account answers no tickets.',
            },
            {
              field: 'Private Notes',
              value: 'What the account is for, on which server, and who owns it',
              note: 'For example: Used by the Forecaster Bridge on module-01. Owner: billing systems team.',
            },
            {
              field: 'Template, Language',
              value: 'Leave the defaults',
            },
            {
              field: 'Disable',
              value: 'Leave unticked',
              note: 'WHMCS refuses API calls from a disabled administrator’s credentials.',
            },
          ],
        },
        {
          type: 'callout',
          kind: 'warning',
          text: 'Do not use a Full Administrator account, and do not use your own. The credential would still be limited by its API role, but the account behind it would not be.',
        },
      ],
      verify:
        'The Administrator Users list shows `forecaster-bridge` with the role Support Operator and no Disabled mark.',
    },
    {
      id: 'create-api-role',
      title: 'Create an API role that allows only GetInvoices',
      kind: 'required',
      summary: 'Create an API role whose only allowed action is Billing > GetInvoices.',
      menuPath: ['System Settings', 'Manage API Credentials', 'API Roles'],
      menuPathLegacy: ['Setup', 'Staff Management', 'Manage API Credentials', 'API Roles'],
      body: [
        {
          type: 'paragraph',
          text: 'An API role is a list of the API actions a credential may call. The bridge needs exactly one: `GetInvoices`, in the Billing category.',
        },
        {
          type: 'list',
          ordered: true,
          items: [
            'Open System Settings > Manage API Credentials and select the API Roles tab.',
            'Click Create API Role.',
            'Enter a Role Name such as `Forecaster: read invoices` and a Description such as `Read-only access for the Forecaster Bridge`.',
            'Under Allowed API Actions, select the Billing category.',
            'Tick GetInvoices and nothing else. Do not use Check All.',
            'Leave every other category with no box ticked.',
            'Click Save.',
          ],
        },
        {
          type: 'image',
          mockupId: 'api-role',
          alt: 'The API role form with the Billing category open. Of its checkboxes, from AcceptQuote to UpdateTransaction, only GetInvoices is ticked.',
          caption: 'Only GetInvoices is ticked. GetInvoice, just before it, stays empty.',
        },
        {
          type: 'callout',
          kind: 'warning',
          text: 'GetInvoice (singular) is a different action, listed right before GetInvoices. The bridge does not use it. Ticking it, or anything else, makes `forecaster-bridge check` warn with `over_privileged`.',
        },
        {
          type: 'callout',
          kind: 'note',
          text: 'API roles arrived in WHMCS 7.4. On older versions every credential can call every action: upgrade WHMCS before connecting the bridge.',
        },
      ],
      verify:
        'The API Roles tab lists the new role. Open it again: under Billing, GetInvoices is the only ticked box, and the other categories have none.',
    },
    {
      id: 'generate-api-credential',
      title: 'Generate the API credential',
      kind: 'required',
      summary: 'Generate a credential for the bridge’s administrator, with the new role only.',
      menuPath: ['System Settings', 'Manage API Credentials', 'API Credentials'],
      menuPathLegacy: ['Setup', 'Staff Management', 'Manage API Credentials', 'API Credentials'],
      body: [
        {
          type: 'paragraph',
          text: 'A credential is an identifier and a secret, issued to one administrator and limited by the roles you attach to it.',
        },
        {
          type: 'list',
          ordered: true,
          items: [
            'Select the API Credentials tab.',
            'Click Generate New API Credential.',
            'Admin User: choose `forecaster-bridge`, the administrator from [[create-admin-user]].',
            'Description: say where it is used and when it was made, for example `Forecaster Bridge on module-01, 2025-06`. You will need this to tell credentials apart when you rotate them.',
            'API Role(s): select only the role from [[create-api-role]]. The list accepts several roles with Ctrl+click (Cmd+click on a Mac); select just one.',
            'Click Generate.',
          ],
        },
        {
          type: 'image',
          mockupId: 'generate-credential',
          alt: 'The Generate New API Credential dialog with Admin User set to forecaster-bridge, a description naming the module server, and the single role Forecaster: read invoices selected.',
        },
        {
          type: 'callout',
          kind: 'note',
          text: 'When a credential holds several roles, WHMCS allows an action if any one of them allows it. Adding a second role can only widen what the credential can do.',
        },
      ],
      verify:
        'WHMCS opens a dialog showing an identifier and a secret. Leave it open and go straight on to the next step.',
    },
    {
      id: 'record-credentials',
      title: 'Record the identifier and secret in the bridge',
      kind: 'required',
      summary: 'Copy the identifier and the once-shown secret into the bridge’s configuration.',
      menuPath: ['System Settings', 'Manage API Credentials', 'API Credentials'],
      menuPathLegacy: ['Setup', 'Staff Management', 'Manage API Credentials', 'API Credentials'],
      body: [
        {
          type: 'paragraph',
          text: 'WHMCS shows the secret once, in the dialog that opens after Generate. The identifier stays visible in the credentials list; the secret does not. If the dialog closes before you have copied the secret, delete that credential and generate a new one.',
        },
        {
          type: 'image',
          mockupId: 'credential-created',
          alt: 'The dialog shown after generating a credential, with the identifier and the secret, and a reminder that the secret is shown only this once.',
        },
        {
          type: 'list',
          ordered: true,
          items: [
            'Copy the identifier and the secret exactly: no space, tab or line break before or after them. Some browsers add a trailing space when you double-click to select, so select by dragging, or paste into a plain-text editor first and check both ends.',
            'Put them straight into the bridge’s configuration on the module server, as below. Do not send them through email, chat or tickets.',
            'Close the WHMCS dialog.',
          ],
        },
        {
          type: 'paragraph',
          text: `The bridge reads a JSON configuration file, named by \`--config\` or by the environment variable \`${BRIDGE_CONFIG.fileEnv}\`. Each WHMCS it syncs is one entry of its \`sources\` list:`,
        },
        {
          type: 'fields',
          caption: 'One WHMCS in the bridge’s configuration',
          rows: [
            {
              field: `\`${BRIDGE_CONFIG.url}\``,
              value: 'The address of WHMCS, for example `https://billing.example.com/`',
              note: 'The root of the WHMCS installation, or its `includes/api.php` address. Not the admin area’s address, and always `https://`.',
            },
            {
              field: `\`${BRIDGE_CONFIG.identifier}\``,
              value: 'The identifier, as it is',
            },
            {
              field: `\`${BRIDGE_CONFIG.secret}\``,
              value:
                'Where to read the secret: `{ "file": "/etc/forecaster-bridge/whmcs-secret" }` or `{ "env": "WHMCS_SECRET" }`',
              note: 'A file readable by the bridge’s user alone is best: the secret stays out of the configuration, process listings and shell history. One line break at the end of the file is ignored. The secret can also be written in directly, but the bridge warns about it.',
            },
          ],
        },
        {
          type: 'code',
          language: 'sh',
          caption:
            'Write the secret to a file without showing it on screen or leaving it in the shell history (bash; `bridge` stands for the user the bridge runs as)',
          code: [
            'sudo install -d -m 700 -o bridge /etc/forecaster-bridge',
            "read -rs -p 'Secret: ' SECRET && printf '%s' \"$SECRET\" | sudo -u bridge tee /etc/forecaster-bridge/whmcs-secret >/dev/null; unset SECRET",
            'sudo chmod 600 /etc/forecaster-bridge/whmcs-secret',
          ].join('\n'),
        },
        {
          type: 'code',
          language: 'json',
          caption:
            'A complete configuration file, `/etc/forecaster-bridge/bridge.json`: this WHMCS as a source, and the token the Forecaster presents',
          code: JSON.stringify(
            {
              sources: [
                {
                  id: 'billing',
                  url: 'https://billing.example.com/',
                  credentials: {
                    identifier: 'paste-the-identifier-here',
                    secret: { file: '/etc/forecaster-bridge/whmcs-secret' },
                  },
                  timeZone: 'Europe/Berlin',
                },
              ],
              tokens: [
                {
                  name: 'forecaster',
                  token: { file: '/etc/forecaster-bridge/forecaster-token' },
                  scopes: ['read', 'commitments:write'],
                },
              ],
            },
            null,
            2,
          ),
        },
        {
          type: 'paragraph',
          text: 'Set `timeZone` to the time zone of the WHMCS server (WHMCS’s dates carry none). The token is what the Forecaster sends to the bridge; make it long and random (at least 32 characters) and keep it in a file as the secret:',
        },
        {
          type: 'code',
          language: 'sh',
          caption: 'Generate the Forecaster’s token into its file (give the same token to the Forecaster)',
          code: [
            'openssl rand -base64 32 | sudo -u bridge tee /etc/forecaster-bridge/forecaster-token >/dev/null',
            'sudo chmod 600 /etc/forecaster-bridge/forecaster-token',
          ].join('\n'),
        },
        {
          type: 'callout',
          kind: 'warning',
          text: 'The secret is the password of this integration. Never commit it to a repository, paste it into a ticket, or keep it in the same file as settings you share.',
        },
      ],
      verify:
        '`forecaster-bridge check` gets past the configuration checks: it reports neither `config_invalid` nor `secret_whitespace`. Until the next steps are done it may still report `ip_not_allowed`; that is expected.',
    },
    {
      id: 'find-server-ip',
      title: 'Find the module server’s outgoing addresses',
      kind: 'required',
      summary: 'Find the IPv4 and IPv6 addresses WHMCS will see the bridge’s requests come from.',
      menuPath: [],
      body: [
        {
          type: 'paragraph',
          text: 'WHMCS checks the address a request arrives from: the module server’s public, outgoing address. That is often not the address configured on its network interface (behind NAT or on a cloud instance with a private address), and a server with both IPv4 and IPv6 has one of each.',
        },
        {
          type: 'paragraph',
          text: 'Run these on the module server itself, not on your own computer:',
        },
        {
          type: 'code',
          language: 'sh',
          code: [
            'curl -4 https://ifconfig.co   # the outgoing IPv4 address',
            'curl -6 https://ifconfig.co   # the outgoing IPv6 address; fails when the server has no IPv6 route',
          ].join('\n'),
        },
        {
          type: 'paragraph',
          text: 'To see which family the bridge will use, look up WHMCS’s host name and ask the kernel which source address it would use for each answer:',
        },
        {
          type: 'code',
          language: 'sh',
          code: [
            'getent ahosts billing.example.com   # A (IPv4) and AAAA (IPv6) answers for WHMCS',
            'ip route get 198.51.100.20          # "src" is the local IPv4 address used to reach it',
            'ip -6 route get 2001:db8::20        # the same for IPv6',
          ].join('\n'),
        },
        {
          type: 'list',
          ordered: false,
          items: [
            'If WHMCS has an AAAA record and the module server has IPv6, connections usually go over IPv6: allow the IPv6 address too.',
            'If the `src` address is private (`10.x.x.x`, `172.16.x.x` to `172.31.x.x`, `192.168.x.x`, or IPv6 starting with `fc` or `fd`), the server is behind NAT: allow the public address `curl` printed, not the `src` address.',
            'If outgoing traffic leaves through a proxy or a NAT gateway shared with other machines, WHMCS sees the gateway’s address: see [[proxies]].',
          ],
        },
        {
          type: 'paragraph',
          text: 'The final word is WHMCS’s own: when it refuses an address, its error message names the address it saw (`Invalid IP 203.0.113.9`), and `forecaster-bridge check` reports that address under `ip_not_allowed`. Add exactly that address.',
        },
      ],
      verify:
        'You have the module server’s public IPv4 address and, if it has IPv6 connectivity, its public IPv6 address.',
    },
    {
      id: 'allow-module-server-ip',
      title: 'Allow the module server’s address in WHMCS',
      kind: 'required',
      summary: 'Add the module server’s outgoing addresses to the API IP Access Restriction list.',
      menuPath: ['System Settings', 'General Settings', 'Security'],
      menuPathLegacy: ['Setup', 'General Settings', 'Security'],
      body: [
        {
          type: 'paragraph',
          text: 'WHMCS refuses API requests from any address that is not on its API IP Access Restriction list, unless they carry an access key ([[access-key]]). The list holds exact addresses.',
        },
        {
          type: 'list',
          ordered: true,
          items: [
            'Open System Settings > General Settings and select the Security tab.',
            'Scroll to API IP Access Restriction and click Add IP.',
            'Enter the IPv4 address you found, and a note naming the server and its purpose.',
            'If the server has IPv6, click Add IP again and enter the IPv6 address as its own entry.',
            'Click Save Changes at the bottom of the page. Nothing is stored until you do.',
          ],
        },
        {
          type: 'image',
          mockupId: 'security-ip-allowlist',
          alt: 'The Security tab of General Settings scrolled to API IP Access Restriction, with the address 203.0.113.25 being added with the note Forecaster Bridge, module-01.',
        },
        {
          type: 'fields',
          caption: 'Add IP',
          rows: [
            {
              field: 'IP Address',
              value: 'One exact address, for example `203.0.113.25` or `2001:db8:15::25`',
              note: 'No ranges or CIDR notation (`203.0.113.0/24`, `/32`), no wildcards, no port number.',
            },
            {
              field: 'Notes',
              value: '`Forecaster Bridge, module-01`',
              note: 'Whoever tidies the list later needs to know why the address is there.',
            },
          ],
        },
        {
          type: 'callout',
          kind: 'warning',
          text: 'IPv4 and IPv6 addresses are separate entries. A server whose IPv4 address is listed is still refused the day it starts reaching WHMCS over IPv6, for example after its provider enables IPv6.',
        },
        {
          type: 'callout',
          kind: 'note',
          text: 'An empty list refuses every caller without an access key. Other integrations may depend on entries already there: add yours, remove nothing.',
        },
      ],
      verify:
        '`forecaster-bridge check` no longer reports `ip_not_allowed`. If it still does, compare the address in its message with the list, character by character.',
    },
    {
      id: 'check-connection',
      title: 'Check the connection',
      kind: 'required',
      summary: 'Run `forecaster-bridge check` on the module server and fix whatever it reports.',
      menuPath: [],
      body: [
        {
          type: 'paragraph',
          text: 'Run `forecaster-bridge check` on the module server. It follows the path of a real request: it reads the configuration, resolves WHMCS’s host name, connects, checks the TLS certificate, calls `GetInvoices` for a small sample, and parses the answer.',
        },
        {
          type: 'code',
          language: 'sh',
          code: 'forecaster-bridge check',
        },
        {
          type: 'paragraph',
          text: 'Each problem it finds has a code, such as `ip_not_allowed` or `auth_failed`, and a link to its entry on the troubleshooting page, which says what it means and how to fix it. Warnings such as `over_privileged` do not stop the bridge but deserve a fix.',
        },
        {
          type: 'callout',
          kind: 'warning',
          text: 'If it reports an authentication error (`auth_failed` or `invalid_credentials`), fix the configuration before running it again. Three failed logins from one address within 30 minutes make WHMCS ban that address.',
        },
        {
          type: 'callout',
          kind: 'tip',
          text: 'On the WHMCS side, the Log API Authentication option on the Security tab makes WHMCS record each API login in its activity log, which shows the address and the credential used.',
        },
      ],
      verify: '`forecaster-bridge check` reports no errors, and the first sync of this WHMCS completes.',
    },
    {
      id: 'access-key',
      title: 'Alternative: an API access key instead of the allowlist',
      kind: 'optional',
      summary:
        'Let the bridge skip the IP allowlist with `$api_access_key`, when its address cannot be fixed.',
      menuPath: [],
      body: [
        {
          type: 'paragraph',
          text: 'WHMCS can also accept an access key: a value set as `$api_access_key` in WHMCS’s `configuration.php`. A request carrying the matching key skips the IP allowlist. It skips nothing else: the identifier and secret are still checked, the API role still applies, and a banned address stays banned.',
        },
        {
          type: 'paragraph',
          text: 'Prefer an access key when:',
        },
        {
          type: 'list',
          ordered: false,
          items: [
            'the module server’s outgoing address changes: a dynamic address, autoscaled instances, containers behind a NAT that moves;',
            'many servers or several bridges call the same WHMCS and keeping the list in step is error-prone.',
          ],
        },
        {
          type: 'paragraph',
          text: 'Prefer the allowlist when the address is stable. It limits where a leaked secret works; an access key is one more secret, and it works from anywhere.',
        },
        {
          type: 'list',
          ordered: true,
          items: [
            'Generate a long random key, for example with `openssl rand -hex 32`.',
            'On the WHMCS server, add the line below to `configuration.php` in the WHMCS root directory. This needs file access to that server (SSH, SFTP or the control panel’s file manager).',
            `Give the bridge the same key: in the source’s entry, set \`${BRIDGE_CONFIG.accessKey}\` to \`{ "file": PATH }\` (a file holding the key) or \`{ "env": NAME }\`.`,
            'Run `forecaster-bridge check`.',
          ],
        },
        {
          type: 'code',
          language: 'php',
          caption: 'configuration.php',
          code: "$api_access_key = 'paste-the-generated-key-here';",
        },
        {
          type: 'callout',
          kind: 'warning',
          text: 'The key is not tied to a credential: it lifts the allowlist for every caller that knows it and has any valid credential. Keep it as secret as the API secret. Changing it breaks every integration that uses it.',
        },
        {
          type: 'callout',
          kind: 'note',
          text: 'A wrong key is refused with `Invalid Access Key` even from an address on the allowlist; the bridge reports it as `invalid_access_key`.',
        },
      ],
      verify:
        '`forecaster-bridge check` passes, and keeps passing after the module server’s outgoing address changes.',
    },
    {
      id: 'proxies',
      title: 'Proxies, Cloudflare and load balancers',
      kind: 'reference',
      summary: 'Make WHMCS see the module server’s real address when a proxy stands in between.',
      menuPath: ['System Settings', 'General Settings', 'Security'],
      menuPathLegacy: ['Setup', 'General Settings', 'Security'],
      body: [
        {
          type: 'paragraph',
          text: 'When Cloudflare, a load balancer or a reverse proxy stands in front of WHMCS, WHMCS’s web server receives every connection from the proxy. WHMCS uses the original caller’s address only if it is told to trust that proxy: the Trusted Proxies setting on the Security tab lists the proxies’ addresses, and Proxy IP Header names the header that carries the original address (for example `X-Forwarded-For`, or `CF-Connecting-IP` behind Cloudflare).',
        },
        {
          type: 'list',
          ordered: false,
          items: [
            'Without Trusted Proxies, WHMCS sees the proxy’s address, and `ip_not_allowed` names an address of the proxy rather than of the module server.',
            'Do not add the proxy’s address to the API allowlist: everything that passes through the proxy, which for Cloudflare means anyone on the internet, would then be allowed. Configure Trusted Proxies instead, then allow the module server’s own address.',
            'If the module server itself sends its traffic through an outgoing proxy or a NAT gateway, WHMCS sees that gateway’s address, and that is the one to allow. Every other machine behind the same gateway then passes the allowlist too, so this is a case for keeping the credential tightly held.',
          ],
        },
        {
          type: 'paragraph',
          text: 'Proxies and web application firewalls also answer on their own: they may block clients that are not browsers, rate-limit them, or replace an error with their own HTML page. The bridge reports these as `waf_blocked`, `rate_limited` or `http_error`, never as a WHMCS answer. Let the module server’s address through the firewall for requests to `/includes/api.php`, for example with a Cloudflare WAF skip rule.',
        },
      ],
      verify:
        'The address `forecaster-bridge check` reports as seen by WHMCS is the module server’s outgoing address, not an address of the proxy.',
    },
    {
      id: 'failed-login-ban',
      title: 'The failed-login ban',
      kind: 'reference',
      summary: 'Why WHMCS may ban the module server’s address, and how to lift the ban.',
      menuPath: ['System Settings', 'Banned IPs'],
      menuPathLegacy: ['Setup', 'Other', 'Banned IPs'],
      body: [
        {
          type: 'paragraph',
          text: 'WHMCS counts failed logins per address, and API authentication failures count. Three failures from one address within 30 minutes ban that address for the Failed Admin Login Ban Time set on the Security tab: 15 minutes unless changed.',
        },
        {
          type: 'paragraph',
          text: 'While the ban lasts, WHMCS answers every request from that address with `IP Banned`, even with the right secret or a valid access key. Admin-area logins from that address are refused too.',
        },
        {
          type: 'paragraph',
          text: 'The bridge never retries an authentication, IP or permission error: it reports it and leaves the fix to you. Each sync and each `forecaster-bridge check` run still makes one attempt, so fix the cause before trying again: three attempts with a wrong secret within 30 minutes, from the bridge or any other tool on the same server, ban the address.',
        },
        {
          type: 'list',
          ordered: true,
          items: [
            'Fix the cause first (usually the secret: see the `auth_failed` entry in troubleshooting). Otherwise the next attempt bans the address again.',
            'Wait for the ban to expire, or lift it: open System Settings > Banned IPs (WHMCS’s documentation calls this Ban Control; in WHMCS 7, Setup > Other > Banned IPs), find the module server’s address and delete its entry.',
            'If your own address is banned and you cannot reach the admin area, log in from another network, or delete the address’s row from the `tblbannedips` table in WHMCS’s database.',
            'Run `forecaster-bridge check` once.',
          ],
        },
        {
          type: 'callout',
          kind: 'tip',
          text: 'Setting Failed Admin Login Ban Time to 0 turns the ban off. Leave it on: it protects the admin area against password guessing.',
        },
      ],
      verify:
        '`forecaster-bridge check` no longer reports `ip_banned`, and the Banned IPs list does not hold the module server’s address.',
    },
    {
      id: 'rotate-credential',
      title: 'Rotate the credential',
      kind: 'maintenance',
      summary:
        'Replace the secret without interrupting the sync: new credential first, old one deleted last.',
      menuPath: ['System Settings', 'Manage API Credentials', 'API Credentials'],
      menuPathLegacy: ['Setup', 'Staff Management', 'Manage API Credentials', 'API Credentials'],
      body: [
        {
          type: 'paragraph',
          text: 'Rotate the credential when someone who saw the secret leaves, when it may have leaked, and on a schedule (once a year, say). Doing it in this order keeps the bridge syncing throughout.',
        },
        {
          type: 'list',
          ordered: true,
          items: [
            'Generate a new credential for the same administrator and the same role, as in [[generate-api-credential]], with today’s date in its description.',
            'Put the new identifier and secret in the bridge’s configuration, as in [[record-credentials]], and restart the bridge so it reads them.',
            'Run `forecaster-bridge check`. Go on only when it passes.',
            'Delete the old credential on the API Credentials tab; its description and identifier tell it apart from the new one.',
            'Confirm that the next scheduled sync succeeds.',
          ],
        },
        {
          type: 'callout',
          kind: 'warning',
          text: 'If the secret has leaked, delete the old credential first, at once. The bridge stops syncing until the new secret is in place, which is better than a leaked secret that still works.',
        },
      ],
      verify:
        'The API Credentials tab lists a single credential for `forecaster-bridge`, the new one, and `forecaster-bridge check` passes.',
    },
  ],
} satisfies z.input<typeof guideSchema>;

/**
 * The setup guide: how to give the bridge a least-privilege WHMCS credential and network access. The
 * docs site and the bridge CLI both render it; it is parsed by its schema when this module loads.
 *
 * @example
 * setupGuide.steps.map((step) => step.id); // ['least-privilege', 'create-admin-user', ...]
 */
export const setupGuide: Guide = guideSchema.parse(guide);

const stepsById = new Map<GuideStepId, GuideStep>(setupGuide.steps.map((step) => [step.id, step]));

/**
 * One step of the setup guide.
 *
 * @example
 * guideStep('create-api-role').menuPath; // ['System Settings', 'Manage API Credentials', 'API Roles']
 */
export function guideStep(id: GuideStepId): GuideStep {
  const step = stepsById.get(id);
  // The schema requires every id once, so this only fires if the data and the ids drift apart.
  if (!step) throw new Error(`The setup guide has no step "${id}"`);
  return step;
}

/**
 * Whether a string names a step of the setup guide.
 *
 * @example
 * isGuideStepId('proxies'); // true
 */
export function isGuideStepId(id: string): id is GuideStepId {
  return stepsById.has(id as GuideStepId);
}
