import {
  ANSWER_TYPES,
  LEDGER_FIELDS,
  operations,
  SOURCE_FIELDS,
  UPLOAD_LIMITS,
} from '@forecaster/module-assets';
import { describe, expect, it } from 'vitest';
import { MAX_CSV_BYTES } from '../api/body-limits.ts';
import { commitmentInputSchema } from '../api/commitments.ts';
import { costEntryInputSchema } from '../api/cost-entries.ts';
import { counterpartyInputSchema } from '../api/counterparties.ts';
import { managedSourceCreateSchema, managedSourcePatchSchema } from '../api/managed-sources.ts';
import { requiredScope } from '../api/scopes.ts';
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_FILES_PER_UPLOAD } from '../ledger/attachment-files.ts';

/*
 * The module's operations against this bridge's API: the fields its ledger forms may send are
 * exactly those the bridge takes (a field the bridge gains would otherwise be dropped by the
 * proxy), and each write operation needs a scope the module's token can be given.
 */

describe("the module's operations", () => {
  it('forward exactly the fields of each ledger input schema', () => {
    expect([...LEDGER_FIELDS.counterparty].sort()).toEqual(Object.keys(counterpartyInputSchema.shape).sort());
    expect([...LEDGER_FIELDS.commitment].sort()).toEqual(Object.keys(commitmentInputSchema.shape).sort());
    expect([...LEDGER_FIELDS.costEntry].sort()).toEqual(Object.keys(costEntryInputSchema.shape).sort());
    expect([...SOURCE_FIELDS.create].sort()).toEqual(Object.keys(managedSourceCreateSchema.shape).sort());
    expect([...SOURCE_FIELDS.patch].sort()).toEqual(Object.keys(managedSourcePatchSchema.shape).sort());
  });

  it("refuse uploads at the bridge's own limits, and pass on the types it serves", () => {
    expect(UPLOAD_LIMITS).toEqual({
      fileBytes: MAX_ATTACHMENT_BYTES,
      files: MAX_FILES_PER_UPLOAD,
      csvBytes: MAX_CSV_BYTES,
    });
    for (const type of ATTACHMENT_TYPES) expect(ANSWER_TYPES).toContain(type);
  });

  it('call routes that declare a scope, and writes only routes that need more than read', () => {
    for (const op of operations) {
      if (!op.path.startsWith('/v1/')) continue;
      const route = op.path.replace(/\{([^}]+)\}/g, ':$1');
      const scope = requiredScope(op.method, route);
      expect(scope, `${op.op}: ${op.method} ${route}`).toBeDefined();
      if (op.kind === 'write') expect(scope, op.op).not.toBe('read');
    }
  });
});
