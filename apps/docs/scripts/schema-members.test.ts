import { invoicesOptionsSchema, whmcsClientOptionsSchema } from '@forecaster/whmcs-client';
import { describe, expect, it } from 'vitest';
import { schemaMembers } from './schema-members.ts';

describe('option tables read from the client schemas', () => {
  it('reads each field with its type, whether it is required, and its description', () => {
    const options = schemaMembers(whmcsClientOptionsSchema);
    expect(options.map((m) => m.name)).toEqual(Object.keys(whmcsClientOptionsSchema.shape));
    expect(options.find((m) => m.name === 'url')).toMatchObject({ optional: false, type: 'string' });
    expect(options.find((m) => m.name === 'timeoutMs')).toMatchObject({
      optional: true,
      type: 'integer (> 0)',
    });
    expect(options.find((m) => m.name === 'retry')).toMatchObject({ type: 'Partial<RetryPolicy> | false' });
    expect(options.find((m) => m.name === 'retry')?.doc).toContain('`defaultRetryPolicy`');
    expect(options.find((m) => m.name === 'fetch')?.type).toBe('typeof globalThis.fetch');
    for (const member of options) expect(member.doc, member.name).toBeTruthy();
  });

  it('lists the values of a long enum in the description', () => {
    const status = schemaMembers(invoicesOptionsSchema).find((m) => m.name === 'status');
    expect(status?.doc).toBe(
      'Only invoices in this status (or `Overdue`); one of `Draft`, `Unpaid`, `Paid`, `Cancelled`, `Refunded`, `Collections`, `Payment Pending`, `Overdue`',
    );
  });
});
