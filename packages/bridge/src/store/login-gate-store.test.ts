import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAILED_LOGIN_SPACING_MS, type LoginDecision, PROBE_LEASE_MS } from './login-gate.ts';
import { STORE_KINDS, type StorePlace, storePlace } from './testing/stores.ts';
import type { Store } from './types.ts';

describe.each(STORE_KINDS)('on the %s store', (kind) => {
  let place: StorePlace;
  const stores: Store[] = [];
  beforeEach(async () => {
    place = await storePlace(kind);
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    await place.dispose();
  });

  /** Another connection to the same store: what another process sees. */
  async function open() {
    const store = await place.open();
    stores.push(store);
    return store.loginGate;
  }

  const T0 = Date.parse('2026-01-05T10:00:00.000Z');
  const at = (ms: number) => new Date(T0 + ms);
  const MIN = 60_000;
  function permitOf(decision: LoginDecision) {
    if (!decision.allowed) throw new Error(`denied: ${decision.code}`);
    return decision.permit;
  }

  const ask = (fingerprint: string, ms: number, force = false) => ({
    sourceId: 'eu',
    fingerprint,
    purpose: 'manual' as const,
    now: at(ms),
    ...(force ? { force } : {}),
  });

  describe('the login gate', () => {
    it('never sends a refused credential again unless forced, and never two failed logins within 15 minutes', async () => {
      const gate = await open();
      const first = permitOf(await gate.acquire(ask('a', 0)));
      await gate.settle(first, 'refused', { code: 'auth_failed', message: 'Authentication Failed' }, at(0));

      const again = await gate.acquire(ask('a', 60 * MIN));
      expect(again).toMatchObject({ allowed: false, code: 'credential_refused' });
      expect(again.allowed ? '' : again.message).toMatch(/auth_failed: Authentication Failed.*--force/);
      // Forced, or with a changed credential: still not within 15 minutes of the failed login.
      expect(await gate.acquire(ask('a', 14 * MIN, true))).toMatchObject({
        allowed: false,
        code: 'login_cooldown',
        retryAfterMs: MIN,
      });
      expect(await gate.acquire(ask('b', 14 * MIN))).toMatchObject({
        allowed: false,
        code: 'login_cooldown',
      });

      const forced = permitOf(await gate.acquire(ask('a', FAILED_LOGIN_SPACING_MS, true)));
      await gate.settle(
        forced,
        'refused',
        { code: 'auth_failed', message: 'Authentication Failed' },
        at(15 * MIN),
      );
      expect(await gate.acquire(ask('a', 29 * MIN, true))).toMatchObject({ code: 'login_cooldown' });
      const changed = permitOf(await gate.acquire(ask('b', 30 * MIN)));
      await gate.settle(changed, 'accepted', undefined, at(30 * MIN));
      // Accepted: many runs may log in at once with it; the old credential stays refused.
      permitOf(await gate.acquire(ask('b', 31 * MIN)));
      permitOf(await gate.acquire(ask('b', 31 * MIN)));
      expect(await gate.acquire(ask('a', 31 * MIN))).toMatchObject({ code: 'credential_refused' });
    });

    it('sends one login at a time with a credential WHMCS has not accepted yet, until it answers or the lease ends', async () => {
      const gate = await open();
      const probe = permitOf(await gate.acquire(ask('a', 0)));
      expect(probe.probe).toBe(true);
      expect(await gate.acquire(ask('a', 1000))).toMatchObject({ allowed: false, code: 'login_in_progress' });
      // A holder that died frees it when the lease ends; one that answers frees it at once.
      const next = permitOf(await gate.acquire(ask('a', PROBE_LEASE_MS)));
      await gate.settle(next, 'unknown', undefined, at(PROBE_LEASE_MS));
      permitOf(await gate.acquire(ask('a', PROBE_LEASE_MS + 1)));
    });

    it('a permission refusal is remembered but is no failed login', async () => {
      const gate = await open();
      const permit = permitOf(await gate.acquire(ask('a', 0)));
      await gate.settle(
        permit,
        'refused',
        { code: 'permission_denied', message: 'Invalid Permissions' },
        at(0),
      );
      expect(await gate.acquire(ask('a', MIN))).toMatchObject({ code: 'credential_refused' });
      permitOf(await gate.acquire(ask('a', MIN, true)));
      expect((await gate.state('eu'))?.lastFailedLoginAt).toBeUndefined();
    });

    it('is shared by every process on the store (a data directory, a database)', async () => {
      const [one, two] = [await open(), await open()];
      const permit = permitOf(await one.acquire(ask('a', 0)));
      expect(await two.acquire(ask('a', 0))).toMatchObject({ code: 'login_in_progress' });
      await one.settle(permit, 'refused', { code: 'auth_failed', message: 'Authentication Failed' }, at(0));
      expect(await two.acquire(ask('a', 20 * MIN))).toMatchObject({ code: 'credential_refused' });
    });
  });
});
