import { describe, expect, it } from 'vitest';
import { createWhmcsSimulator } from './simulator.ts';
import { AUTH, call } from './testing/api-call.ts';
import { notSimulatedMessage, WHMCS_ACTIONS } from './whmcs-actions.ts';

/* Issue 10: the simulator answered "Invalid API Action" to actions WHMCS 8 has. */

const LIMITED = { identifier: 'limited-id', secret: 'limited-secret', actions: ['GetInvoices'] };
const sim = () =>
  createWhmcsSimulator({ invoices: 5, clients: 2, credentials: [{ ...AUTH, actions: ['*'] }, LIMITED] });

describe('WHMCS 8 actions the simulator does not implement', () => {
  it('GetClients with an all-actions credential: a recognisable "Not simulated" error from inside the action, not Invalid API Action', async () => {
    const res = await call(sim(), { ...AUTH, action: 'GetClients', responsetype: 'json' });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ result: 'error', message: notSimulatedMessage('getclients') });
    expect(notSimulatedMessage('getclients')).toMatch(/^Not simulated: /);
  });

  it('still refused first by a role that lacks it, as WHMCS checks the permission before the action', async () => {
    const { identifier, secret } = LIMITED;
    const res = await call(sim(), { identifier, secret, action: 'GetClients', responsetype: 'json' });
    expect([res.status, res.json().message]).toEqual([
      403,
      'Invalid Permissions: API action "getclients" is not allowed',
    ]);
  });

  it('an action WHMCS does not have is still Invalid API Action', async () => {
    const res = await call(sim(), { ...AUTH, action: 'GetUnicorns', responsetype: 'json' });
    expect([res.status, res.json().message]).toEqual([
      403,
      'Invalid API Action: "getunicorns" is not a valid API action',
    ]);
  });

  it('knows the common actions of every API reference category', () => {
    for (const action of [
      'getclients',
      'getclientsdetails',
      'addclient',
      'getorders',
      'getproducts',
      'openticket',
      'getadmindetails',
      'sendemail',
      'getinvoices',
    ]) {
      expect(WHMCS_ACTIONS.has(action), action).toBe(true);
    }
  });
});
