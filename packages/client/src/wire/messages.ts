/*
 * What WHMCS says when it refuses a call before the action runs, word for word (see
 * API-BEHAVIOUR.md section 3). The simulator and the bridge's facade answer with these; the
 * client reads them back with {@link classifyWhmcsMessage}, so the three cannot drift apart.
 */

/** The refusals, as WHMCS 8 words them. */
export const WHMCS_MESSAGES = {
  ipBanned: 'IP Banned',
  invalidAccessKey: 'Invalid Access Key',
  invalidIp: (ip: string) => `Invalid IP ${ip}`,
  invalidCredentials: 'Invalid or missing credentials',
  authenticationFailed: 'Authentication Failed',
  invalidPassword: 'Invalid password provided',
  adminDisabled: 'Administrator Account Disabled',
  emptyAction: 'Empty action request',
  invalidPermissions: (action: string) => `Invalid Permissions: API action "${action}" is not allowed`,
  /** WHMCS 8.7+; older versions answered `Command Not Found`. */
  invalidAction: (action: string) => `Invalid API Action: "${action}" is not a valid API action`,
} as const;

/** What a refusal means, for whoever reads it back. */
export type WhmcsMessageKind =
  | { kind: 'ip_banned' }
  | { kind: 'ip_not_allowed'; ip: string }
  | { kind: 'invalid_access_key' }
  | { kind: 'invalid_credentials' }
  | { kind: 'auth_failed' }
  | { kind: 'permission_denied'; action?: string }
  | { kind: 'invalid_action' }
  | { kind: 'api_error' };

const startsWith = (text: string, prefix: string) => text.toLowerCase().startsWith(prefix.toLowerCase());

/**
 * Reads a WHMCS error message: case-insensitively, by its start (installs append detail, and
 * old ones answer every error with HTTP 200, so the message decides, not the status).
 *
 * @example classifyWhmcsMessage('Invalid IP 203.0.113.9') // { kind: 'ip_not_allowed', ip: '203.0.113.9' }
 */
export function classifyWhmcsMessage(message: string): WhmcsMessageKind {
  const text = message.trim();
  const m = WHMCS_MESSAGES;
  if (startsWith(text, m.ipBanned)) return { kind: 'ip_banned' };
  const ip = /^Invalid IP\s+(\S+)/i.exec(text);
  if (ip) return { kind: 'ip_not_allowed', ip: ip[1]! };
  if (startsWith(text, m.invalidAccessKey)) return { kind: 'invalid_access_key' };
  if (startsWith(text, m.invalidCredentials)) return { kind: 'invalid_credentials' };
  if ([m.authenticationFailed, m.invalidPassword, m.adminDisabled].some((p) => startsWith(text, p)))
    return { kind: 'auth_failed' };
  const permission = /^Invalid Permissions(?::\s*API action "([^"]*)")?/i.exec(text);
  if (permission) return { kind: 'permission_denied', ...(permission[1] ? { action: permission[1] } : {}) };
  if (['Invalid API Action', 'Command Not Found', m.emptyAction].some((p) => startsWith(text, p)))
    return { kind: 'invalid_action' };
  return { kind: 'api_error' };
}
