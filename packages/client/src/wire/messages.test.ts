import { describe, expect, it } from 'vitest';
import { classifyWhmcsMessage, WHMCS_MESSAGES as M } from './messages.ts';

describe('WHMCS_MESSAGES read back by classifyWhmcsMessage', () => {
  it.each([
    [M.ipBanned, { kind: 'ip_banned' }],
    [M.invalidIp('203.0.113.9'), { kind: 'ip_not_allowed', ip: '203.0.113.9' }],
    [M.invalidAccessKey, { kind: 'invalid_access_key' }],
    [M.invalidCredentials, { kind: 'invalid_credentials' }],
    [M.authenticationFailed, { kind: 'auth_failed' }],
    [M.invalidPassword, { kind: 'auth_failed' }],
    [M.adminDisabled, { kind: 'auth_failed' }],
    [M.invalidPermissions('getinvoice'), { kind: 'permission_denied', action: 'getinvoice' }],
    [M.invalidAction('foo'), { kind: 'invalid_action' }],
    [M.emptyAction, { kind: 'invalid_action' }],
    ['Command Not Found', { kind: 'invalid_action' }],
    ['Invoice ID Not Found', { kind: 'api_error' }],
  ])('%s', (message, kind) => {
    expect(classifyWhmcsMessage(message)).toEqual(kind);
    // Old installs vary the case and append detail.
    expect(classifyWhmcsMessage(` ${message.toUpperCase()} `).kind).toBe(kind.kind);
  });
});
