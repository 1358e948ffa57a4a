import { UPLOAD_LIMITS } from './upload-limits.ts';

/*
 * The proxy's own errors (the PHP proxy and its TypeScript stand-in), in the bridge's envelope:
 * `{"error":{"code","message","fix","details","requestId"}}`. Messages and fixes are written for
 * the WHMCS admin who reads them on the page; `{name}` is filled in by the proxy. None of them
 * ever carries the bridge token.
 */

export interface ProxyError {
  status: number;
  message: string;
  fix: string[];
}

const SETTINGS = 'System Settings > Addon Modules > Commitment Forecaster > Configure';

/**
 * Every error the proxy answers itself, by code.
 *
 * @example
 * PROXY_ERRORS.bridge_token_refused.status; // 502
 */
export const PROXY_ERRORS = {
  unknown_operation: {
    status: 404,
    message: 'The module has no operation "{op}".',
    fix: ['Reload the page: the module may have been upgraded since it was opened.'],
  },
  method_not_allowed: {
    status: 405,
    message: 'The operation "{op}" must be called with {method}.',
    fix: ['Reload the page and try again.'],
  },
  csrf_failed: {
    status: 403,
    message: 'The page’s security token is missing or out of date, so nothing was changed.',
    fix: ['Reload the page (your WHMCS session may have been renewed) and try again.'],
  },
  forbidden_role: {
    status: 403,
    message: 'Your admin role may look but not change anything in the Commitment Forecaster.',
    fix: [`Ask an administrator to add your role to “Admin roles that may change things” under ${SETTINGS}.`],
  },
  invalid_request: {
    status: 400,
    message: '{param}: {problem}',
    fix: ['Correct the value and try again.'],
  },
  upload_too_large: {
    status: 413,
    message:
      'The upload is larger than this WHMCS server takes ({limit}, PHP’s {setting}), so nothing was sent to the bridge.',
    fix: [
      'Upload fewer or smaller files at once.',
      `Or raise \`upload_max_filesize\` and \`post_max_size\` in the web server’s php.ini (the bridge takes files of up to ${UPLOAD_LIMITS.fileBytes / 1024 / 1024} MB, ${UPLOAD_LIMITS.files} at once).`,
    ],
  },
  file_too_large: {
    status: 413,
    message: '{name} is {size}: the bridge takes files of at most {limit}, so nothing was sent.',
    fix: ['Attach a smaller file: scan at a lower resolution, or split the PDF.'],
  },
  too_many_files: {
    status: 400,
    message: '{count} files were chosen: the bridge takes at most {limit} at once, so nothing was sent.',
    fix: ['Upload them in several goes.'],
  },
  files_lost: {
    status: 413,
    message:
      '{sent} files were sent but {arrived} arrived (PHP’s max_file_uploads is {limit}), so nothing was sent to the bridge.',
    fix: [
      'Upload fewer files at once.',
      `Or raise \`max_file_uploads\` in the web server’s php.ini to ${UPLOAD_LIMITS.files} or more.`,
    ],
  },
  no_file: {
    status: 400,
    message: 'No file arrived with the request.',
    fix: ['Choose a file and try again.'],
  },
  upload_failed: {
    status: 400,
    message:
      '{name} did not arrive whole on the WHMCS server (PHP upload error {code}), so nothing was sent.',
    fix: ['Try again.', 'If it keeps happening, check that PHP’s `upload_tmp_dir` exists and has room.'],
  },
  bridge_not_configured: {
    status: 503,
    message: 'The module does not know where the bridge is, or has no token for it.',
    fix: [
      `Enter the bridge URL (for example https://bridge.example.com:8787) and its API token under ${SETTINGS}.`,
    ],
  },
  bridge_unreachable: {
    status: 502,
    message: 'The bridge at {url} could not be reached: {reason}.',
    fix: [
      'Check that the bridge is running (`bridge serve`) and that the URL in the module’s settings is right.',
      'Check that the WHMCS server may connect to the bridge’s host and port (firewall, listen address).',
    ],
  },
  bridge_timeout: {
    status: 504,
    message: 'The bridge at {url} did not answer within {seconds} s.',
    fix: [
      'Try again in a moment: the bridge may be busy with a first full sync.',
      `If it keeps happening, raise the timeout under ${SETTINGS}, or look at the bridge’s log.`,
    ],
  },
  bridge_tls_failed: {
    status: 502,
    message: 'The bridge’s TLS certificate could not be verified: {reason}.',
    fix: [
      'Give the bridge a certificate the WHMCS server trusts for this host name (the module never skips verification).',
    ],
  },
  bridge_token_refused: {
    status: 502,
    message: 'The bridge refused the module’s API token.',
    fix: [
      `Copy a token from the bridge’s configuration (\`tokens\`) into the Bridge API token field under ${SETTINGS}.`,
      'If the token was rotated on the bridge, enter the new one.',
    ],
  },
  bridge_bad_response: {
    status: 502,
    message: 'The bridge answered with something that is not the bridge’s JSON (HTTP {status}).',
    fix: [
      'Check that the bridge URL points at the Forecaster Bridge itself, not at a web page or a proxy error page.',
    ],
  },
} as const satisfies Record<string, ProxyError>;

export type ProxyErrorCode = keyof typeof PROXY_ERRORS;

/** Fills `{name}` placeholders; unknown names stay as written. */
export function fillMessage(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{([a-z]+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}
