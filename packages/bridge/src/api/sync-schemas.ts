import { z } from '@hono/zod-openapi';

/* The parts of a source's view that say why its sync did not run, or what it could not store. */

export const syncedElsewhereSchema = z
  .object({
    pid: z.number().int(),
    host: z.string(),
    purpose: z.string().openapi({ description: '`serve` or `sync` (the CLI)' }),
    since: z.string().openapi({ description: 'When it took the source, ISO 8601 UTC' }),
    heartbeatAt: z.string(),
    note: z.string(),
  })
  .openapi('SyncedElsewhere', {
    description:
      'Another bridge process holds this source’s sync lease: this one skips its runs until that one finishes',
  });

export const quarantineViewSchema = z
  .object({
    count: z.number().int().nonnegative(),
    rows: z
      .array(
        z.object({
          id: z.string().openapi({ description: 'The invoice id as WHMCS sent it' }),
          field: z.string(),
          value: z.string().nullable(),
          message: z.string(),
          lastSeenAt: z.string(),
        }),
      )
      .openapi({ description: 'The first 100, by id' }),
  })
  .openapi('Quarantine', {
    description:
      'Invoices WHMCS sent that cannot be stored as they are (kept raw; every other invoice is stored). Fix them in WHMCS; the next sync that reads them stores them.',
  });
