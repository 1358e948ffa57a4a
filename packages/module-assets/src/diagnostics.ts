import type { z } from 'zod';
import { BRIDGE_CONFIG, type DiagnosticCode, UNKNOWN_DIAGNOSTIC_CODE } from './ids.ts';
import { requirements } from './requirements.ts';
import { type Diagnostic, diagnosticSchema, diagnosticsSchema } from './schemas.ts';

type DiagnosticInput = z.input<typeof diagnosticSchema>;

// The anchor is the code by rule; writing it once here keeps the data below about what differs.
function entry(code: DiagnosticCode, rest: Omit<DiagnosticInput, 'code' | 'docsAnchor'>): DiagnosticInput {
  return { code, docsAnchor: code, ...rest };
}

const catalogue = [
  entry('ip_not_allowed', {
    severity: 'error',
    title: 'WHMCS refused the module server’s address',
    meaning:
      'The address the request came from is not on WHMCS’s API IP Access Restriction list. The message names the address WHMCS saw, for example `Invalid IP 203.0.113.9`: that is the one to allow, even if it is not the one you expected.',
    fix: [
      'Read the address in the message. If it is an IPv6 address while you allowed the IPv4 one (or the reverse), the server now reaches WHMCS over the other family: add this address as a separate entry.',
      'If it is an address of Cloudflare, a load balancer or another proxy in front of WHMCS, do not allow it: configure WHMCS’s Trusted Proxies setting so that WHMCS sees the real caller.',
      'Otherwise add exactly that address to System Settings > General Settings > Security > API IP Access Restriction and click Save Changes.',
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'allow-module-server-ip',
  }),
  entry('ip_banned', {
    severity: 'error',
    title: 'WHMCS has banned the module server’s address',
    meaning:
      'Three failed logins from this address within 30 minutes made WHMCS ban it for the Failed Admin Login Ban Time (15 minutes unless changed). Until the ban ends, WHMCS refuses every request from it, even with correct credentials or an access key.',
    fix: [
      'Find and fix the cause of the failed logins first, usually a wrong secret (see `auth_failed`), or the address will be banned again.',
      'Wait for the ban to expire, or delete the address under System Settings > Banned IPs (Setup > Other > Banned IPs in WHMCS 7).',
      'Run `forecaster-bridge check` once. The bridge does not retry by itself.',
    ],
    guideStep: 'failed-login-ban',
  }),
  entry('invalid_access_key', {
    severity: 'error',
    title: 'WHMCS refused the access key',
    meaning:
      'The bridge sent an access key and it does not match `$api_access_key` in WHMCS’s configuration.php, or that file sets none. A wrong key is refused even from an address on the allowlist.',
    fix: [
      `Compare the key the source’s \`${BRIDGE_CONFIG.accessKey}\` points to with the value of \`$api_access_key\` in configuration.php, character for character.`,
      `If you rely on the allowlist instead, remove \`${BRIDGE_CONFIG.accessKey}\` from the bridge’s configuration.`,
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'access-key',
  }),
  entry('invalid_credentials', {
    severity: 'error',
    title: 'WHMCS does not know this identifier',
    meaning:
      'WHMCS answered `Invalid or missing credentials`: no credential has this identifier (it was deleted, or belongs to another WHMCS), or the secret was empty. The attempt counts towards the failed-login ban.',
    fix: [
      `Check \`${BRIDGE_CONFIG.identifier}\` against System Settings > Manage API Credentials > API Credentials on the WHMCS that \`${BRIDGE_CONFIG.url}\` points to.`,
      `Check that the file or environment variable \`${BRIDGE_CONFIG.secret}\` names holds the secret and is not empty.`,
      'If the credential is gone, generate a new one and record it.',
      'Run `forecaster-bridge check` once. Repeated failures ban the address.',
    ],
    guideStep: 'record-credentials',
  }),
  entry('auth_failed', {
    severity: 'error',
    title: 'The secret is wrong',
    meaning:
      'WHMCS answered `Authentication Failed`: the identifier exists but the secret does not match it. The usual cause is a secret copied with a space or line break, or cut short. A disabled administrator is refused in the same way (`Administrator Account Disabled`). The attempt counts towards the failed-login ban.',
    fix: [
      'Check the secret for spaces, tabs or line breaks at either end, and that it was not cut short when copied.',
      'Check that the administrator `forecaster-bridge` is not disabled under System Settings > Administrator Users.',
      'If you no longer have the secret, generate a new credential and delete the old one: WHMCS cannot show a secret again.',
      'Run `forecaster-bridge check` once. Three failures within 30 minutes ban the address.',
    ],
    guideStep: 'record-credentials',
  }),
  entry('permission_denied', {
    severity: 'error',
    title: 'The API role does not allow GetInvoices',
    meaning:
      'The credential is valid but none of its roles allows the action the bridge called. WHMCS names the action, for example `Invalid Permissions: API action "getinvoices" is not allowed`.',
    fix: [
      'Open System Settings > Manage API Credentials > API Roles and edit the bridge’s role.',
      'Under Billing, tick GetInvoices (plural; GetInvoice is a different action) and save.',
      'Check on the API Credentials tab that the credential holds this role.',
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'create-api-role',
  }),
  entry('invalid_action', {
    severity: 'error',
    title: 'WHMCS does not know the API action',
    meaning:
      'WHMCS answered `Invalid API Action`. `GetInvoices` exists in every WHMCS the bridge supports, so the request most likely reached something other than a standard WHMCS API: another installation, or one changed by a module.',
    fix: [
      `Check that \`${BRIDGE_CONFIG.url}\` is the address of the right WHMCS installation.`,
      `Check that WHMCS is version ${requirements.whmcs.minimumVersion} or later.`,
      'If both are right, report it with the output of `forecaster-bridge check`.',
    ],
    guideStep: 'check-connection',
  }),
  entry('api_error', {
    severity: 'error',
    title: 'WHMCS reported an error while answering',
    meaning:
      'The request was accepted but WHMCS could not complete it and returned its own message, for example after a database error or a failing hook in an addon module.',
    fix: [
      'Read the message `forecaster-bridge check` shows: it is WHMCS’s own.',
      'Look in WHMCS’s activity log and module log for the same moment.',
      'If an addon or hook is at fault, fix or disable it, then run `forecaster-bridge check` again.',
    ],
    guideStep: 'check-connection',
  }),
  entry('http_error', {
    severity: 'error',
    title: 'Something in front of WHMCS answered with an error page',
    meaning:
      'The answer was an HTTP error page (such as 403, 500, 502, 504 or 520 to 524), not a WHMCS answer. It comes from a proxy, Cloudflare, a web application firewall, or PHP running out of memory or time.',
    fix: [
      'Check the status code: 5xx points at the WHMCS server or PHP (see its error log), 403 at a firewall or proxy rule.',
      'If Cloudflare or a firewall stands in front of WHMCS, let the module server through for `/includes/api.php`.',
      `If it fails only on large pages, lower \`${BRIDGE_CONFIG.pageSize}\`.`,
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'proxies',
  }),
  entry('timeout', {
    severity: 'error',
    title: 'WHMCS took too long to answer',
    meaning:
      'The connection was made but no complete answer came in time. WHMCS may be overloaded, or a large page of invoices takes too long to build. The bridge had already retried a few times, with pauses, before reporting it.',
    fix: [
      'Check how loaded the WHMCS server is, and whether the admin area is slow too.',
      `Lower \`${BRIDGE_CONFIG.pageSize}\` so each request does less work, or raise \`${BRIDGE_CONFIG.timeout}\`.`,
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'check-connection',
  }),
  entry('network', {
    severity: 'error',
    title: 'The connection to WHMCS failed',
    meaning:
      'The network connection failed or was cut before WHMCS answered. The bridge had already retried a few times, with pauses, before reporting it.',
    fix: [
      'Check from the module server that WHMCS answers: `curl -sS -o /dev/null -w "%{http_code}" https://billing.example.com/includes/api.php`, with your WHMCS address.',
      'Check the module server’s firewall and any outgoing proxy.',
      'Run `forecaster-bridge check` again; it tells a DNS, connection or TLS problem apart.',
    ],
    guideStep: 'check-connection',
  }),
  entry('invalid_response', {
    severity: 'error',
    title: 'WHMCS’s answer could not be read',
    meaning:
      'The answer was not the JSON the API sends: often PHP warnings or a module’s output printed before it, a blank line or byte-order mark from an edited configuration.php, or a different response type.',
    fix: [
      'Open WHMCS’s `includes/api.php` address from the module server with `curl` and look at the start of the body.',
      'Look for PHP notices, warnings or whitespace before the JSON and fix their source: turn off PHP’s display_errors, or remove stray output from configuration.php and custom hooks.',
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'check-connection',
  }),
  entry('response_too_large', {
    severity: 'error',
    title: 'WHMCS’s answer was larger than the bridge accepts',
    meaning:
      'The answer grew past the size cap (32 MB unless configured otherwise), so the bridge stopped reading it instead of holding it in memory. It is not retried: the same page would be as large again.',
    fix: [
      `Lower \`${BRIDGE_CONFIG.pageSize}\` so that each page is smaller.`,
      'If something in front of WHMCS answers with a huge page of its own, fix that first: open the `includes/api.php` address with `curl` and look at what comes back.',
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'check-connection',
  }),
  entry('redirected', {
    severity: 'error',
    title: 'WHMCS’s address answered with a redirect',
    meaning:
      'The API address answered with a redirect (3xx) to another address. The bridge never follows one: the request carries the API secret, and a redirect could hand it to another host. The message shows where the redirect pointed.',
    fix: [
      `If the target is WHMCS’s own address (https:// instead of http://, with or without www, a new folder), put that address in \`${BRIDGE_CONFIG.url}\`.`,
      'If you do not recognise the target, do not use it: find out who answers on the configured address.',
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'check-connection',
  }),
  entry('incomplete_walk', {
    severity: 'error',
    title: 'The sync could not show that it read every invoice',
    meaning:
      'A full read of WHMCS’s invoices ended without proof that it saw all of them: pages that brought nothing new (a cached answer, a WHMCS or proxy that ignores the page offset), more calls than the invoice count allows, an end below the highest invoice already stored, or fewer invoices than WHMCS counts. The bridge keeps every invoice it has and deletes none on the word of this run; the message says what it saw.',
    fix: [
      'Run the sync again: a one-off cached answer does not repeat.',
      'If it repeats, look for a cache or proxy in front of WHMCS that answers POST requests to `includes/api.php` from a cache, and turn that off for the API.',
      'Compare the counts in the message with the invoice list in WHMCS’s admin area.',
    ],
    guideStep: 'proxies',
  }),
  entry('config_invalid', {
    severity: 'error',
    title: 'The bridge’s configuration is incomplete or wrong',
    meaning: 'A setting is missing or malformed. The message names the setting.',
    fix: [
      'Read which setting the message names.',
      `Open the configuration file (given by \`--config\` or \`${BRIDGE_CONFIG.fileEnv}\`) and correct that key: each source needs at least \`id\`, \`url\` and \`credentials\`; a secret given as \`{ "file": PATH }\` must be readable by the bridge’s user, one given as \`{ "env": NAME }\` must be set.`,
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'record-credentials',
  }),
  entry('dns_failed', {
    severity: 'error',
    title: 'WHMCS’s host name does not resolve',
    meaning: 'The module server could not turn the host name in the WHMCS address into an IP address.',
    fix: [
      `Check the host name in \`${BRIDGE_CONFIG.url}\` for typos.`,
      'On the module server, run `getent ahosts` followed by the host name; if nothing comes back, check its resolver settings (`/etc/resolv.conf`) and the domain’s DNS records.',
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'check-connection',
  }),
  entry('tcp_refused', {
    severity: 'error',
    title: 'WHMCS’s server refused the connection',
    meaning:
      'The address answered, but nothing accepts connections on that port: the wrong port or host, or the web server is down.',
    fix: [
      `Check the port in \`${BRIDGE_CONFIG.url}\`: HTTPS is 443 unless the URL names another.`,
      'Check that the web server on the WHMCS host is running and that the host name points to it.',
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'check-connection',
  }),
  entry('tcp_timeout', {
    severity: 'error',
    title: 'The connection to WHMCS’s server timed out',
    meaning:
      'No answer came to the connection attempt. A firewall is dropping the traffic on the way out of the module server or on the way into WHMCS’s.',
    fix: [
      'Check that the module server may open outgoing HTTPS connections (port 443) to WHMCS’s address.',
      'Check that WHMCS’s firewall accepts HTTPS from the module server.',
      'If the host name resolves to an IPv6 address the module server cannot route, fix its IPv6 or remove the stale AAAA record.',
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'check-connection',
  }),
  entry('tls_expired', {
    severity: 'error',
    title: 'WHMCS’s TLS certificate has expired',
    meaning:
      'The certificate the WHMCS server presented is past its end date (or not valid yet), so the connection is not safe to use.',
    fix: [
      'Renew the certificate on the WHMCS server (for Let’s Encrypt, check that renewal runs).',
      'If the certificate is fine, check the module server’s clock: `timedatectl` should show it synchronised.',
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'check-connection',
  }),
  entry('tls_hostname_mismatch', {
    severity: 'error',
    title: 'WHMCS’s TLS certificate is for another name',
    meaning:
      'The certificate does not cover the host name in the WHMCS address, so the bridge cannot be sure it is talking to WHMCS.',
    fix: [
      `Use the host name the certificate is issued for in \`${BRIDGE_CONFIG.url}\`, for example \`billing.example.com\` rather than the server’s own name or an IP address.`,
      'Or issue a certificate that covers the name you use.',
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'check-connection',
  }),
  entry('tls_unknown_ca', {
    severity: 'error',
    title: 'WHMCS’s TLS certificate is not trusted',
    meaning:
      'The certificate is self-signed, or its chain is incomplete, or it was issued by an authority the module server does not trust.',
    fix: [
      'Install a certificate from a public authority on the WHMCS server, including its intermediate certificates.',
      `If WHMCS uses a private authority, or an inspecting proxy on the module server’s network re-signs traffic, point \`${BRIDGE_CONFIG.caFile}\` at that authority’s certificate (PEM).`,
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'check-connection',
  }),
  entry('tls_failed', {
    severity: 'error',
    title: 'The TLS handshake with WHMCS failed',
    meaning:
      'The module server and WHMCS’s server could not agree on a secure connection, for example because the server offers only outdated TLS versions or ciphers.',
    fix: [
      'Check the server’s TLS setup from the module server: `openssl s_client -connect billing.example.com:443 -servername billing.example.com`, with your host name.',
      'Enable TLS 1.2 or 1.3 on the WHMCS server.',
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'check-connection',
  }),
  entry('plain_http_refused', {
    severity: 'error',
    title: 'The WHMCS address is not HTTPS',
    meaning: `\`${BRIDGE_CONFIG.url}\` starts with \`http://\`. The bridge refuses to send the secret unencrypted to anything but the machine it runs on.`,
    fix: [
      `Change \`${BRIDGE_CONFIG.url}\` to its \`https://\` form.`,
      'If WHMCS has no certificate, install one first.',
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'record-credentials',
  }),
  entry('not_whmcs_api', {
    severity: 'error',
    title: 'The address is not WHMCS’s API',
    meaning:
      'The bridge got an HTML page or a 404 where WHMCS’s `includes/api.php` should be. The URL points somewhere else (the admin area, the site’s home page, another installation), or a firewall answered instead.',
    fix: [
      `Set \`${BRIDGE_CONFIG.url}\` to the root of the WHMCS installation (the address of its client area, such as \`https://billing.example.com/\` or \`https://example.com/billing/\`), or to the full \`includes/api.php\` address.`,
      'Open that address followed by `includes/api.php` in a browser: WHMCS answers with a short error, not a web page.',
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'record-credentials',
  }),
  entry('waf_blocked', {
    severity: 'error',
    title: 'A web application firewall blocked the request',
    meaning:
      'Cloudflare, ModSecurity or another firewall in front of WHMCS answered with its own block page instead of passing the request on. Firewalls often block clients that are not browsers.',
    fix: [
      'Find the block in the firewall’s log (Cloudflare: Security > Events) using the time and the module server’s address.',
      'Add a rule that lets the module server’s address reach `/includes/api.php`, such as a Cloudflare WAF skip rule or a ModSecurity exclusion.',
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'proxies',
  }),
  entry('url_points_to_admin', {
    severity: 'error',
    title: 'The WHMCS address points to the admin area',
    meaning: `\`${BRIDGE_CONFIG.url}\` contains the admin area’s directory (\`/admin/\` or its renamed equivalent). The API lives under the installation’s root, in \`includes/api.php\`.`,
    fix: [
      `Remove the admin directory from \`${BRIDGE_CONFIG.url}\`: \`https://billing.example.com/admin/\` becomes \`https://billing.example.com/\`.`,
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'record-credentials',
  }),
  entry('secret_whitespace', {
    severity: 'error',
    title: 'The secret starts or ends with whitespace',
    meaning:
      'The configured secret has a space, tab or line break at its start or end. WHMCS secrets never do, so it was copied with extra characters. WHMCS would refuse it, and each refusal counts towards the failed-login ban.',
    fix: [
      `Rewrite the secret where \`${BRIDGE_CONFIG.secret}\` points, without the extra characters. For a file, \`printf '%s'\` writes the secret with nothing around it.`,
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'record-credentials',
  }),
  entry('over_privileged', {
    severity: 'warning',
    title: 'The credential can do more than read invoices',
    meaning:
      'The credential’s roles allow more than `GetInvoices`. The bridge works, but a leaked secret would allow more than reading invoices.',
    fix: [
      'Open System Settings > Manage API Credentials > API Roles and edit the bridge’s role: untick everything but Billing > GetInvoices.',
      'On the API Credentials tab, check that the credential holds this role and no other.',
      'Run `forecaster-bridge check` again.',
    ],
    guideStep: 'create-api-role',
  }),
  entry('sample_parse_failed', {
    severity: 'error',
    title: 'Sample invoices could not be read',
    meaning:
      'WHMCS answered `GetInvoices`, but some invoices in the sample do not have the shape the bridge expects, for example an amount or a date in an unexpected format. The message names the field.',
    fix: [
      'Note the invoice id and field in the message and open that invoice in WHMCS.',
      `If WHMCS is older than ${requirements.whmcs.recommendedVersion}, upgrade it.`,
      'Report it with the output of `forecaster-bridge check`, leaving the secret out.',
    ],
    guideStep: 'check-connection',
  }),
  entry('rate_limited', {
    severity: 'error',
    title: 'A proxy in front of WHMCS is limiting requests',
    meaning:
      'The answer was HTTP 429 (Too Many Requests). WHMCS itself has no rate limit, so the limit comes from Cloudflare, a firewall or the hosting platform in front of it. The bridge waits and retries, but gives up when the limit lasts.',
    fix: [
      'Exempt the module server’s address from the rate limit for `/includes/api.php`.',
      `Or lower \`${BRIDGE_CONFIG.concurrency}\` (requests in flight at once) and lengthen \`${BRIDGE_CONFIG.syncEvery}\`.`,
      'Run `forecaster-bridge check` again once the limit is lifted.',
    ],
    guideStep: 'proxies',
  }),
  entry('source_never_synced', {
    severity: 'warning',
    title: 'This WHMCS has never synced',
    meaning:
      'The WHMCS is configured in the bridge but no sync has completed yet, so no invoices from it are served.',
    fix: [
      'Run `forecaster-bridge check` and fix anything it reports.',
      'Check that the bridge is running and look at its log for the first sync.',
      'A first sync of a large WHMCS can take a while; wait for it to finish.',
    ],
    guideStep: 'check-connection',
  }),
  entry('credential_refused', {
    severity: 'error',
    title: 'The bridge will not send a refused credential again',
    meaning:
      'WHMCS refused this credential earlier (the message names how), and the bridge remembers it in its store: neither the scheduler, a manual sync nor `bridge check` sends it again, because three failed logins within 30 minutes ban the bridge’s address. Nothing was sent this time.',
    fix: [
      'Fix the cause the message names (the secret, the allowlist, the access key or the role), in WHMCS or in the source’s configuration.',
      'A changed `credentials`, `accessKey` or `url` is tried once by itself. If the fix was made in WHMCS only, force one retry: `bridge check --force`, `bridge sync --force`, or `POST /v1/sources/{id}/sync` with `{"force": true}`.',
      'A forced retry still waits 15 minutes after the last failed login.',
    ],
    guideStep: 'failed-login-ban',
  }),
  entry('login_cooldown', {
    severity: 'error',
    title: 'A failed login less than 15 minutes ago',
    meaning:
      'This source had a failed login to WHMCS less than 15 minutes ago. The bridge makes at most one failed login per source per 15 minutes, whatever is forced or changed, so that it can never reach the three in 30 minutes that get its address banned. Nothing was sent this time.',
    fix: [
      'Wait until the time the message gives, then run `bridge check` once.',
      'Meanwhile, check the cause of the failed login (see `auth_failed`).',
    ],
    guideStep: 'failed-login-ban',
  }),
  entry('login_in_progress', {
    severity: 'error',
    title: 'Another login with this credential is in progress',
    meaning:
      'Another run or check (in this process or another one on the same data directory) is logging in to WHMCS with a credential WHMCS has not accepted yet. Until it does, the bridge sends one such login at a time, so that a wrong secret fails once, not once per caller. Nothing was sent this time.',
    fix: ['Wait a few seconds, then try again.'],
    guideStep: 'failed-login-ban',
  }),
  entry('mass_delete', {
    severity: 'error',
    title: 'The sync would have deleted more invoices than one run may',
    meaning:
      'WHMCS listed far fewer invoices than the bridge holds, so the run would have deleted more than `sync.maxDeleteShare` of them (10% unless configured). A WHMCS that answers short (a cache, a broken plugin, a restored backup) must not empty the store: the run deleted nothing and kept every invoice. The message says how many it would have deleted and what it saw.',
    fix: [
      'Compare the counts in the message with the invoice list in WHMCS’s admin area.',
      'If WHMCS answers short, look for a cache or proxy in front of `includes/api.php` and turn it off for the API.',
      'If WHMCS really lost those invoices, run `forecaster-bridge sync --full --allow-mass-delete` once (or set `sync.allowMassDelete` for the source).',
    ],
    guideStep: 'proxies',
  }),
  entry('source_busy', {
    severity: 'warning',
    title: 'Another process is syncing this source',
    meaning:
      'Only one process syncs a source at a time (two full syncs would delete each other’s invoices). Another bridge process on the same store holds the source’s sync lease; the message names its process id, host and purpose. Nothing was sent to WHMCS.',
    fix: [
      'Wait for the other sync to finish (`GET /v1/sources/{id}` shows it), then try again.',
      'If that process is gone, its lease expires within a minute and the next run takes it over.',
    ],
    guideStep: 'check-connection',
  }),
  entry('lease_lost', {
    severity: 'warning',
    title: 'Another process took over this sync',
    meaning:
      'The run could not renew its sync lease in time (the process stalled, or the store was unreachable), and another process took the source over. The run stopped without writing anything further; what it had committed stays, and the other process records its own run.',
    fix: [
      'Nothing to do when the other process is a bridge you started: it carries on.',
      'If it happens often, look for what stalls the bridge (memory, a slow or network disk under the data directory).',
    ],
    guideStep: 'check-connection',
  }),
  entry('store_full', {
    severity: 'error',
    title: 'The disk under the bridge’s store is full',
    meaning:
      'The bridge could not write to its SQLite store because the disk (or the volume holding the data directory) has no space left. The page being written was rolled back; nothing half-written remains. `/readyz` answers 503 while the disk is nearly full.',
    fix: [
      'Free space on the disk holding the data directory, or move the data directory to a larger one.',
      'Run the sync again: it resumes from its checkpoint.',
    ],
    guideStep: 'check-connection',
  }),
  entry('store_corrupt', {
    severity: 'error',
    title: 'The bridge’s store file is damaged',
    meaning:
      'SQLite found the store file malformed (a disk fault, a copy taken while the bridge wrote, or a file edited by another program). The bridge stops writing to it rather than make it worse; `/readyz` answers 503.',
    fix: [
      'Stop the bridge and keep a copy of the data directory.',
      'Restore the store from a backup, or move the damaged file aside: the next start syncs every source afresh from WHMCS.',
    ],
    guideStep: 'check-connection',
  }),
  entry('store_read_only', {
    severity: 'error',
    title: 'The bridge cannot write to its store',
    meaning:
      'The store file or its directory is read-only for the bridge’s user (permissions, a read-only mount, or a volume mounted without write access). `/readyz` answers 503.',
    fix: [
      'Give the bridge’s user write access to the data directory and every file in it.',
      'Check that the volume holding the data directory is mounted read-write.',
    ],
    guideStep: 'check-connection',
  }),
  entry('schema_too_new', {
    severity: 'error',
    title: 'The store was written by a newer bridge',
    meaning:
      'The data directory holds a store migrated by a newer version of the bridge than this one. An older bridge cannot know what the newer schema means, so it refuses to open it instead of damaging it.',
    fix: ['Run the newer bridge again, or point this one at a data directory of its own.'],
    guideStep: 'check-connection',
  }),
  entry('internal_error', {
    severity: 'error',
    title: 'An unexpected error stopped the sync',
    meaning:
      'Something the bridge does not expect stopped the run. What it had committed stays, and the next run resumes from its checkpoint. The details are in the bridge’s log (never in the API, which could leak them).',
    fix: [
      'Read the bridge’s log around the time of the error (the line says `unexpected sync error`).',
      'Run `forecaster-bridge check` for the source; if the error repeats, report it with that log line.',
    ],
    guideStep: 'check-connection',
  }),
];

/**
 * Every failure the bridge can report, with what it means and how to fix it, in the order of
 * `DIAGNOSTIC_CODES`. Parsed by its schema when this module loads.
 *
 * @example
 * diagnostics.find((entry) => entry.code === 'auth_failed')?.guideStep; // 'record-credentials'
 */
export const diagnostics: readonly Diagnostic[] = diagnosticsSchema.parse(catalogue);

const byCode = new Map<string, Diagnostic>(diagnostics.map((entry) => [entry.code, entry]));

/**
 * The generic entry, listed last on the troubleshooting page under the anchor `unknown`; for a code it
 * does not know, `diagnosticFor` answers with this entry, naming that code in its meaning.
 *
 * @example
 * unknownDiagnostic.docsAnchor; // 'unknown'
 */
export const unknownDiagnostic: Diagnostic = diagnosticSchema.parse({
  code: UNKNOWN_DIAGNOSTIC_CODE,
  severity: 'error',
  title: 'Any other failure',
  meaning: 'The bridge reported a code that this version of the troubleshooting guide does not describe.',
  fix: [
    'Run `forecaster-bridge check` and read its full message.',
    'Update the bridge: a newer version may describe this failure.',
    'If it persists, report it with the output of `forecaster-bridge check`, leaving the secret out.',
  ],
  guideStep: 'check-connection',
  docsAnchor: UNKNOWN_DIAGNOSTIC_CODE,
} satisfies DiagnosticInput);

/**
 * Whether a string is a code this catalogue describes.
 *
 * @example
 * isDiagnosticCode('ip_banned'); // true
 */
export function isDiagnosticCode(code: string): code is DiagnosticCode {
  return byCode.has(code);
}

/**
 * The catalogue entry for a code. A code the catalogue does not know (from a newer client, or a typo)
 * gets the generic entry, code `unknown`, whose meaning names the code it was given: a caller never has
 * to handle a miss, and this never throws.
 *
 * @example
 * diagnosticFor('ip_not_allowed').guideStep; // 'allow-module-server-ip'
 * diagnosticFor('something_new').code; // 'unknown'
 */
export function diagnosticFor(code: string): Diagnostic {
  const known = byCode.get(code);
  if (known) return known;
  // The code is shown to people, so keep it short and free of markup.
  const shown = String(code)
    .replace(/[^\w.-]/g, '')
    .slice(0, 64);
  return {
    ...unknownDiagnostic,
    meaning: shown
      ? `The bridge reported the code \`${shown}\`, which this version of the troubleshooting guide does not describe.`
      : unknownDiagnostic.meaning,
  };
}
