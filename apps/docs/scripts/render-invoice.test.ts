import { invoiceSchema } from '@forecaster/whmcs-client';
import { describe, expect, it } from 'vitest';
import { exampleInvoice, invoiceJsonSchema, renderInvoiceMarkdown } from './render-invoice.ts';

const page = renderInvoiceMarkdown(invoiceJsonSchema());

describe('the invoice page', () => {
  it('has one row per field, saying nullable exactly when the schema accepts null', () => {
    for (const [key, field] of Object.entries(invoiceSchema.shape)) {
      const row = page.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
      expect(row, key).toBeDefined();
      const nullable = row!.split(' | ')[2];
      expect(nullable, key).toBe(field.safeParse(null).success ? 'yes' : 'no');
      // Its description comes from the schema (`.meta`), not from a comment in the source.
      expect(row!.split(' | ')[3]?.replace(/\|$/, '').trim(), key).not.toBe('');
    }
  });

  it('shows an example made by normalizeInvoice that the schema accepts', () => {
    const example = exampleInvoice();
    expect(invoiceSchema.parse(example)).toEqual(example);
    expect(example.companyName).toBe('Analytical Engines & Sons');
    expect(page).toContain(`"paidAt": "${example.paidAt}"`);
  });
});
