import { DOMParser, onWarningStopParsing } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { MOCKUP_IDS } from './ids.ts';
import { BILLING_API_ACTIONS } from './mockups/api-role.ts';
import { EXAMPLE_MODULE_SERVER_IP } from './mockups/security-ip-allowlist.ts';
import { mockups } from './mockups.ts';
import { mockupSchema } from './schemas.ts';

/** Parses strictly: any well-formedness error or warning throws. */
function parseSvg(svg: string): Document {
  // xmldom lets a bare `&` through; browsers refuse such an SVG, so refuse it here too.
  const bareAmpersand = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.exec(svg);
  if (bareAmpersand) throw new Error(`bare & at ${bareAmpersand.index}`);
  return new DOMParser({ onError: onWarningStopParsing }).parseFromString(
    svg,
    'image/svg+xml',
  ) as unknown as Document;
}

function all(root: Document | Element, selector: (element: Element) => boolean): Element[] {
  const found: Element[] = [];
  const elements = root.getElementsByTagName('*');
  for (let index = 0; index < elements.length; index++) {
    const element = elements[index]!;
    if (selector(element)) found.push(element);
  }
  return found;
}

function byData(root: Document | Element, name: string, value?: string): Element[] {
  return all(root, (element) =>
    value === undefined ? element.hasAttribute(name) : element.getAttribute(name) === value,
  );
}

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0]!;
}

const documents = Object.fromEntries(MOCKUP_IDS.map((id) => [id, parseSvg(mockups[id].svg)])) as Record<
  (typeof MOCKUP_IDS)[number],
  Document
>;

describe('the strict parser', () => {
  it('rejects SVG that is not well-formed', () => {
    expect(() => parseSvg('<svg xmlns="http://www.w3.org/2000/svg"><g></svg>')).toThrow();
    expect(() => parseSvg('<svg xmlns="http://www.w3.org/2000/svg"><text>a & b</text></svg>')).toThrow();
    expect(() => parseSvg('<svg xmlns="http://www.w3.org/2000/svg" a="1" a="2"/>')).toThrow();
  });
});

describe('mockups', () => {
  it('has one valid entry per mockup id', () => {
    expect(Object.keys(mockups).sort()).toEqual([...MOCKUP_IDS].sort());
    for (const id of MOCKUP_IDS) expect(mockupSchema.safeParse(mockups[id]).success).toBe(true);
  });

  it.each(MOCKUP_IDS)('%s is a well-formed, accessible SVG in system fonts', (id) => {
    const root = documents[id].documentElement!;
    expect(root.tagName).toBe('svg');
    expect(root.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    expect(root.getAttribute('viewBox')).toMatch(/^0 0 \d+ \d+$/);
    expect(root.getAttribute('role')).toBe('img');
    expect(root.getAttribute('font-family')).toMatch(/^system-ui,.*sans-serif$/);

    const title = root.firstChild as Element;
    expect(title.tagName).toBe('title');
    expect(title.textContent?.length).toBeGreaterThan(10);
    const labelledBy = root.getAttribute('aria-labelledby')?.split(' ') ?? [];
    expect(labelledBy).toContain(title.getAttribute('id'));
    for (const labelId of labelledBy) expect(documents[id].getElementById(labelId)).not.toBeNull();
  });

  it.each(MOCKUP_IDS)('%s loads nothing from outside and runs nothing', (id) => {
    const svg = mockups[id].svg;
    expect(svg).not.toMatch(/<script|<foreignObject|<image|href=|url\(|@import|on[a-z]+="/i);
  });

  it('uses element ids that stay unique when every mockup is inlined into one page', () => {
    const ids = MOCKUP_IDS.flatMap((id) =>
      byData(documents[id], 'id').map((element) => element.getAttribute('id')),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('marks at least one thing to do on every screen', () => {
    for (const id of MOCKUP_IDS) expect(byData(documents[id], 'data-highlight').length).toBeGreaterThan(0);
  });
});

describe('add-admin-user', () => {
  const doc = documents['add-admin-user'];

  it('highlights the Support Operator role', () => {
    const role = only(byData(doc, 'data-highlight', 'administrator-role'));
    expect(role.textContent).toContain('Support Operator');
  });

  it('leaves Disable unticked', () => {
    expect(only(byData(doc, 'data-field', 'disable')).getAttribute('data-checked')).toBe('false');
  });

  it('shows the fields of the real form', () => {
    const text = doc.documentElement!.textContent ?? '';
    for (const label of [
      'Administrator Role',
      'First Name',
      'Email Address',
      'Username',
      'Password',
      'Disable',
    ]) {
      expect(text).toContain(label);
    }
  });
});

describe('api-role', () => {
  const doc = documents['api-role'];
  const boxes = byData(doc, 'data-action');

  it('lists every Billing action the original guide showed, and more', () => {
    const listed = boxes.map((element) => element.getAttribute('data-action'));
    for (const action of [
      'ApplyCredit',
      'CapturePayment',
      'CreateInvoice',
      'CreateQuote',
      'DeletePayMethod',
      'DeleteQuote',
      'GenInvoices',
      'GetCredits',
      'GetInvoice',
      'GetInvoices',
      'GetPayMethods',
      'GetQuotes',
      'GetTransactions',
      'SendQuote',
    ]) {
      expect(listed).toContain(action);
    }
    expect(listed).toEqual([...BILLING_API_ACTIONS]);
  });

  it('ticks GetInvoices and no other box', () => {
    const ticked = boxes.filter((element) => element.getAttribute('data-checked') === 'true');
    expect(ticked.map((element) => element.getAttribute('data-action'))).toEqual(['GetInvoices']);
    const getInvoice = only(byData(doc, 'data-action', 'GetInvoice'));
    expect(getInvoice.getAttribute('data-checked')).toBe('false');
    expect(all(doc, (element) => element.getAttribute('data-checked') === 'true')).toHaveLength(1);
  });

  it('highlights the GetInvoices box', () => {
    const marked = only(byData(doc, 'data-highlight', 'get-invoices'));
    expect(only(byData(marked, 'data-action')).getAttribute('data-action')).toBe('GetInvoices');
  });

  it('has the Billing category open', () => {
    const active = byData(doc, 'data-active', 'true');
    expect(only(active).getAttribute('data-category')).toBe('Billing');
  });
});

describe('generate-credential', () => {
  const doc = documents['generate-credential'];

  it('selects the bridge’s administrator', () => {
    expect(only(byData(doc, 'data-highlight', 'admin-user')).textContent).toContain('forecaster-bridge');
  });

  it('selects only the GetInvoices role', () => {
    const selected = byData(doc, 'data-selected', 'true');
    expect(only(selected).getAttribute('data-role-option')).toBe('Forecaster: read invoices');
    expect(byData(doc, 'data-role-option').length).toBeGreaterThan(1);
  });
});

describe('credential-created', () => {
  const doc = documents['credential-created'];

  it('shows the identifier and the secret', () => {
    only(byData(doc, 'data-field', 'identifier'));
    const secret = only(byData(doc, 'data-field', 'secret'));
    expect(secret.textContent).toMatch(/Secret.*EXAMPLE/);
  });

  it('says to copy the secret now, because it is shown once', () => {
    const callout = only(byData(doc, 'data-callout', 'copy-now'));
    expect(callout.textContent).toMatch(/Copy the secret now/);
    expect(callout.textContent).toMatch(/only this once/);
    expect(callout.textContent).toMatch(/no space/);
  });
});

describe('security-ip-allowlist', () => {
  const doc = documents['security-ip-allowlist'];

  it('adds one exact IPv4 address to API IP Access Restriction', () => {
    const marked = only(byData(doc, 'data-highlight', 'api-ip'));
    const value = only(byData(marked, 'data-field', 'ip-address')).textContent?.trim();
    expect(value).toBe(EXAMPLE_MODULE_SERVER_IP);
    expect(value).toMatch(/^\d{1,3}(\.\d{1,3}){3}$/);
    expect(doc.documentElement!.textContent).toContain('API IP Access Restriction');
  });

  it('shows the Security tab as the open one', () => {
    expect(doc.documentElement!.textContent).toContain('Security');
    only(byData(doc, 'data-highlight', 'save-changes'));
  });
});
