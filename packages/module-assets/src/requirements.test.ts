import { describe, expect, it } from 'vitest';
import { setupGuide } from './guide.ts';
import { GUIDE_STEP_IDS } from './ids.ts';
import { requirements } from './requirements.ts';
import { requirementsSchema } from './schemas.ts';

describe('requirements', () => {
  it('is valid against its schema', () => {
    expect(requirementsSchema.safeParse(requirements).success).toBe(true);
  });

  it('asks for exactly one API action, GetInvoices, and the Support Operator role', () => {
    expect(requirements.requiredApiActions).toEqual(['GetInvoices']);
    expect(requirements.adminRole).toBe('Support Operator');
  });

  it('names the WHMCS versions that brought credentials, roles and orderby', () => {
    const since = Object.fromEntries(
      requirements.whmcs.features.map((feature) => [feature.id, feature.since]),
    );
    expect(since).toEqual({ 'api-credentials': '7.2', 'api-roles': '7.4', 'getinvoices-orderby': '7.7' });
    expect(requirements.whmcs.minimumVersion).toBe('7.4');
    expect(requirements.whmcs.recommendedVersion).toBe('7.7');
  });

  it('refuses a minimum version that does not follow from the required features', () => {
    const wrong = structuredClone(requirements);
    wrong.whmcs.minimumVersion = '7.2';
    expect(requirementsSchema.safeParse(wrong).success).toBe(false);
    wrong.whmcs.minimumVersion = '7.4';
    wrong.whmcs.features = wrong.whmcs.features.map((feature) => ({ ...feature, required: true }));
    expect(requirementsSchema.safeParse(wrong).success).toBe(false);
  });

  it('refuses any other action list', () => {
    const wrong = { ...requirements, requiredApiActions: ['GetInvoices', 'GetInvoice'] };
    expect(requirementsSchema.safeParse(wrong).success).toBe(false);
  });

  it('lists the guide steps in the guide’s order', () => {
    expect(requirements.guideSteps).toEqual(setupGuide.steps.map((step) => step.id));
    expect(requirements.guideSteps).toEqual([...GUIDE_STEP_IDS]);
  });

  it('states the network path: HTTPS to WHMCS, and the allowlist or an access key', () => {
    const byId = Object.fromEntries(requirements.network.map((entry) => [entry.id, entry]));
    expect(byId['https-to-whmcs']?.detail).toContain('https://');
    expect(byId['outgoing-address-allowed']?.detail).toContain('API IP Access Restriction');
    expect(byId['outgoing-address-allowed']?.detail).toContain('$api_access_key');
    expect(byId['outgoing-address-allowed']?.detail).toMatch(/IPv4 and IPv6 separately/);
    for (const entry of requirements.network) expect(GUIDE_STEP_IDS).toContain(entry.guideStep);
  });
});
