import { describe, expect, it } from 'vitest';
import { guideStep, isGuideStepId, setupGuide } from './guide.ts';
import { BRIDGE_CONFIG, GUIDE_STEP_IDS, MOCKUP_IDS } from './ids.ts';
import { type GuideBlock, type GuideStep, guideSchema } from './schemas.ts';

/** Every piece of text a step shows, joined, so content checks read like a reader would. */
function stepText(step: GuideStep): string {
  const blockText = (block: GuideBlock): string[] => {
    switch (block.type) {
      case 'paragraph':
        return [block.text];
      case 'list':
        return block.items;
      case 'fields':
        return [block.caption ?? '', ...block.rows.flatMap((row) => [row.field, row.value, row.note ?? ''])];
      case 'callout':
        return [block.text];
      case 'code':
        return [block.caption ?? '', block.code];
      case 'image':
        return [block.alt, block.caption ?? ''];
    }
  };
  return [step.title, step.summary, ...step.menuPath, ...step.body.flatMap(blockText), step.verify].join(
    '\n',
  );
}

const images = setupGuide.steps.flatMap((step) =>
  step.body.flatMap((block) => (block.type === 'image' ? [{ step: step.id, block }] : [])),
);

describe('setupGuide', () => {
  it('is valid against its schema', () => {
    expect(guideSchema.safeParse(setupGuide).success).toBe(true);
  });

  it('has unique, kebab-case step ids in the published order', () => {
    const ids = setupGuide.steps.map((step) => step.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...GUIDE_STEP_IDS]);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('has every step the brief and the original guide require', () => {
    for (const id of [
      'create-admin-user',
      'create-api-role',
      'generate-api-credential',
      'record-credentials',
      'allow-module-server-ip',
      'find-server-ip',
      'access-key',
      'proxies',
      'failed-login-ban',
      'rotate-credential',
      'least-privilege',
    ]) {
      expect(GUIDE_STEP_IDS).toContain(id);
    }
  });

  it('puts the WHMCS steps in the order they must be done', () => {
    const order = ['create-admin-user', 'create-api-role', 'generate-api-credential', 'record-credentials'];
    const positions = order.map((id) => GUIDE_STEP_IDS.indexOf(id as (typeof GUIDE_STEP_IDS)[number]));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(GUIDE_STEP_IDS.indexOf('find-server-ip')).toBeLessThan(
      GUIDE_STEP_IDS.indexOf('allow-module-server-ip'),
    );
  });

  it('references only mockups that exist, and shows every mockup somewhere', () => {
    expect(images.length).toBeGreaterThan(0);
    for (const { block } of images) expect(MOCKUP_IDS).toContain(block.mockupId);
    expect(new Set(images.map(({ block }) => block.mockupId))).toEqual(new Set(MOCKUP_IDS));
  });

  it('rejects an image block naming a mockup that does not exist', () => {
    const broken = structuredClone(setupGuide);
    broken.steps[1]!.body.push({
      type: 'image',
      mockupId: 'no-such-screen' as never,
      alt: 'A screen that is not drawn.',
    });
    expect(guideSchema.safeParse(broken).success).toBe(false);
  });

  it('rejects steps out of order or missing', () => {
    const swapped = structuredClone(setupGuide);
    [swapped.steps[1], swapped.steps[2]] = [swapped.steps[2]!, swapped.steps[1]!];
    expect(guideSchema.safeParse(swapped).success).toBe(false);
    const missing = { ...setupGuide, steps: setupGuide.steps.slice(1) };
    expect(guideSchema.safeParse(missing).success).toBe(false);
  });

  it('rejects text that would break the docs build', () => {
    const broken = structuredClone(setupGuide);
    broken.steps[0]!.verify = 'Run {{ forecaster-bridge check }}';
    expect(guideSchema.safeParse(broken).success).toBe(false);
    broken.steps[0]!.verify = 'Run `forecaster-bridge check';
    expect(guideSchema.safeParse(broken).success).toBe(false);
    broken.steps[0]!.verify = 'As in [[no-such-step]].';
    expect(guideSchema.safeParse(broken).success).toBe(false);
    broken.steps[0]!.verify = 'As in [[proxies]].';
    expect(guideSchema.safeParse(broken).success).toBe(true);
  });

  it('gives WHMCS menu paths for the WHMCS screens', () => {
    expect(guideStep('create-api-role').menuPath).toEqual([
      'System Settings',
      'Manage API Credentials',
      'API Roles',
    ]);
    expect(guideStep('create-admin-user').menuPath).toEqual(['System Settings', 'Administrator Users']);
    expect(guideStep('allow-module-server-ip').menuPath).toEqual([
      'System Settings',
      'General Settings',
      'Security',
    ]);
    expect(guideStep('generate-api-credential').menuPath.at(-1)).toBe('API Credentials');
  });
});

describe('the content of the steps', () => {
  it('create-admin-user: Support Operator, a service account, a strong password', () => {
    const text = stepText(guideStep('create-admin-user'));
    const role = guideStep('create-admin-user')
      .body.flatMap((block) => (block.type === 'fields' ? block.rows : []))
      .find((row) => row.field === 'Administrator Role');
    expect(role?.value).toBe('Support Operator');
    expect(text).toMatch(/person’s account/);
    expect(text).toMatch(/password manager/);
    for (const field of ['First Name', 'Email Address', 'Username', 'Password', 'Disable']) {
      expect(text).toContain(field);
    }
  });

  it('create-api-role: GetInvoices only, and GetInvoice is called out', () => {
    const text = stepText(guideStep('create-api-role'));
    expect(text).toContain('Tick GetInvoices and nothing else');
    expect(text).toMatch(/GetInvoice \(singular\)/);
  });

  it('record-credentials: shown once, no spaces, and where it goes in the bridge', () => {
    const text = stepText(guideStep('record-credentials'));
    expect(text).toMatch(/shows the secret once/);
    expect(text).toMatch(/no space, tab or line break/);
    for (const key of [
      BRIDGE_CONFIG.fileEnv,
      BRIDGE_CONFIG.url,
      BRIDGE_CONFIG.identifier,
      BRIDGE_CONFIG.secret,
    ]) {
      expect(text).toContain(key);
    }
  });

  it('find-server-ip: curl -4, curl -6, ip route get, and what forecaster-bridge check reports', () => {
    const text = stepText(guideStep('find-server-ip'));
    expect(text).toContain('curl -4 https://ifconfig.co');
    expect(text).toContain('curl -6 https://ifconfig.co');
    expect(text).toContain('ip route get');
    expect(text).toMatch(/forecaster-bridge check.*ip_not_allowed/s);
  });

  it('allow-module-server-ip: the exact setting, no CIDR, IPv4 and IPv6 apart', () => {
    const text = stepText(guideStep('allow-module-server-ip'));
    expect(text).toContain('API IP Access Restriction');
    expect(text).toMatch(/CIDR/);
    expect(text).toMatch(/IPv4 and IPv6 addresses are separate entries/);
  });

  it('access-key: $api_access_key skips the allowlist but not the credentials', () => {
    const text = stepText(guideStep('access-key'));
    expect(text).toContain("$api_access_key = '");
    expect(text).toMatch(/skips the IP allowlist/);
    expect(text).toMatch(/identifier and secret are still checked/);
    expect(text).toContain(BRIDGE_CONFIG.accessKey);
  });

  it('proxies: Trusted Proxies and the address WHMCS sees', () => {
    const text = stepText(guideStep('proxies'));
    expect(text).toContain('Trusted Proxies');
    expect(text).toContain('Cloudflare');
    expect(text).toMatch(/WHMCS sees the proxy’s address/);
  });

  it('failed-login-ban: three failures in 30 minutes, 15 minutes, how to lift it, no retries', () => {
    const text = stepText(guideStep('failed-login-ban'));
    expect(text).toMatch(/Three failures from one address within 30 minutes/);
    expect(text).toContain('15 minutes');
    expect(text).toContain('Banned IPs');
    expect(text).toContain('Ban Control');
    expect(text).toMatch(/never retries an authentication/);
  });

  it('rotate-credential: new first, check, delete the old last', () => {
    const list = guideStep('rotate-credential').body.find((block) => block.type === 'list');
    expect(list?.type === 'list' && list.ordered).toBe(true);
    const items = list?.type === 'list' ? list.items.join('\n') : '';
    const order = ['Generate a new credential', 'forecaster-bridge check', 'Delete the old credential'].map(
      (part) => items.indexOf(part),
    );
    expect(order.every((position) => position >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('least-privilege: says what a leaked secret cannot do', () => {
    const text = stepText(guideStep('least-privilege'));
    expect(text).toMatch(/cannot:/);
    expect(text).toMatch(/stored payment methods/);
  });

  it('uses only documentation addresses and example domains', () => {
    const all = setupGuide.steps.map(stepText).join('\n');
    const ipv4 = all.match(/\b\d{1,3}(\.\d{1,3}){3}\b/g) ?? [];
    for (const address of ipv4) expect(address).toMatch(/^(192\.0\.2|198\.51\.100|203\.0\.113)\./);
    const hosts = all.match(/https?:\/\/[a-z0-9.-]+/g) ?? [];
    for (const host of hosts) expect(host).toMatch(/(example\.com|ifconfig\.co)$/);
  });
});

describe('guideStep and isGuideStepId', () => {
  it('finds each step by id', () => {
    for (const id of GUIDE_STEP_IDS) expect(guideStep(id).id).toBe(id);
  });

  it('tells step ids from other strings', () => {
    expect(isGuideStepId('proxies')).toBe(true);
    expect(isGuideStepId('Proxies')).toBe(false);
    expect(isGuideStepId('constructor')).toBe(false);
  });
});
