import { createHmac } from 'node:crypto';
import { assertTimeZone } from '@forecaster/whmcs-client';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { checkReportSchema } from '../check/report.ts';
import type { SourceConfig } from '../config.ts';
import { type ManagedSecrets, type ManagedSettings, ManagedSourcesOff } from '../sources/managed-sources.ts';
import { type ManagedSourceRow, ManagedVersionMismatch } from '../store/managed-sources.ts';
import type { AppDeps, AppEnv } from './deps.ts';
import { errorResponses } from './error-schema.ts';
import { ApiError, invalidRequest, notFound } from './errors.ts';
import { sourceIdParamsSchema } from './params.ts';
import { createRouter, v1Route } from './router.ts';
import {
  etagOf,
  expectedVersion,
  idempotencyConflict,
  idempotencyKeyOf,
  writeErrorResponses,
} from './write-support.ts';

/*
 * Sources managed through the API (issue 14; scope sources:admin): create, change, disable and
 * delete. Secrets are write-only (sealed, never answered, never logged); every create or change
 * of what reaches WHMCS runs the ban-safe connection check first and answers its report, and a
 * source that fails it is saved only with `force`. Sources of the configuration file are
 * read-only here and say so.
 */

const DURATION = /^(\d+)\s*(m|h|d)$/;
const duration = (fallback: string, minimumMs: number, words: string) =>
  z
    .string()
    .regex(DURATION, 'a duration like 5m, 24h or 1d')
    .default(fallback)
    .transform((v) => {
      const m = DURATION.exec(v)!;
      return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
    })
    .pipe(z.number().min(minimumMs, `at least ${words}`));

const timeZone = z
  .string()
  .min(1)
  .refine((zone) => {
    try {
      assertTimeZone(zone);
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Berlin');

const pem = z
  .string()
  .max(65_536, 'at most 64 KiB')
  .refine(
    (v) => v.includes('-----BEGIN CERTIFICATE-----'),
    'must be PEM certificates (-----BEGIN CERTIFICATE-----)',
  );

const writeOnly = (what: string) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(1024)
    .refine((v) => v.trim() === v, 'has leading or trailing white space: was it copied with a space?')
    .openapi({
      description: `${what}: write-only, stored sealed (AES-256-GCM), never answered`,
      writeOnly: true,
    });

const settingsShape = {
  name: z.string().trim().min(1).max(200).optional(),
  url: z.string().min(1).max(2048).openapi({ description: 'https:// WHMCS root or its includes/api.php' }),
  identifier: z.string().min(1).max(256).openapi({ description: 'The WHMCS API credential identifier' }),
  timeZone: timeZone.default('UTC'),
  pageSize: z.number().int().min(1).max(1000).default(250),
  schedule: z
    .strictObject({
      incrementalEvery: duration('5m', 60_000, '1 minute'),
      fullEvery: duration('24h', 3_600_000, '1 hour'),
    })
    .prefault({}),
  tlsCa: pem.nullable().default(null).openapi({ description: 'PEM of extra CAs to trust (a private CA)' }),
  allowInsecureHttp: z
    .boolean()
    .default(false)
    .openapi({ description: 'Plain http:// to this machine (loopback) only, as in the configuration file' }),
};

export const managedSourceCreateSchema = z
  .strictObject({
    id: sourceIdParamsSchema.shape.id.openapi({ description: 'Stable id; part of every invoice key' }),
    ...settingsShape,
    secret: writeOnly('The API credential secret'),
    accessKey: writeOnly('WHMCS $api_access_key').nullable().default(null),
    force: z.boolean().default(false).openapi({ description: 'Save even if the connection check fails' }),
  })
  .openapi('ManagedSourceCreate');

export const managedSourcePatchSchema = z
  .strictObject({
    name: settingsShape.name,
    url: settingsShape.url.optional(),
    identifier: settingsShape.identifier.optional(),
    timeZone: timeZone.optional(),
    pageSize: z.number().int().min(1).max(1000).optional(),
    schedule: z
      .strictObject({
        incrementalEvery: duration('5m', 60_000, '1 minute'),
        fullEvery: duration('24h', 3_600_000, '1 hour'),
      })
      .optional(),
    tlsCa: pem.nullable().optional(),
    allowInsecureHttp: z.boolean().optional(),
    secret: writeOnly('The API credential secret').optional(),
    accessKey: writeOnly('WHMCS $api_access_key').nullable().optional(),
    disabled: z.boolean().optional().openapi({ description: 'true: kept and readable, never synced' }),
    force: z.boolean().default(false),
  })
  .openapi('ManagedSourcePatch');

export const sourceSettingsSchema = z
  .object({
    id: z.string(),
    origin: z.enum(['file', 'api']),
    readOnly: z.boolean(),
    readOnlyReason: z.string().nullable(),
    version: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'ETag of a managed source; null for a file source' }),
    disabled: z.boolean(),
    name: z.string(),
    url: z.string(),
    identifier: z.string(),
    timeZone: z.string(),
    pageSize: z.number().int(),
    schedule: z.object({ incrementalEverySeconds: z.number(), fullEverySeconds: z.number() }),
    tlsCa: z.string().nullable(),
    allowInsecureHttp: z.boolean(),
    secretSet: z.boolean().openapi({ description: 'Secrets are never answered; this says one is stored' }),
    accessKeySet: z.boolean(),
  })
  .openapi('SourceSettings');

const answerSchema = z
  .object({
    data: sourceSettingsSchema,
    /** The connection check run before saving; null when nothing that reaches WHMCS changed. */
    check: z.union([checkReportSchema, z.null()]),
  })
  .openapi('ManagedSourceAnswer');

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const ifMatch = z.object({
  'if-match': z.string().optional().openapi({ description: 'The ETag you read (required)' }),
});
const conflict = {
  description: 'Read-only (file) source, taken id, failed check without force, no key, or a choice to make',
  content: errorResponses[404].content,
};

const createSource = v1Route({
  method: 'post',
  path: '/',
  tags: ['Sources'],
  summary: 'Create a source managed through the API (the connection check runs first)',
  request: {
    headers: z.object({
      'idempotency-key': z
        .string()
        .optional()
        .openapi({ description: 'A retry with the same key answers the first answer again' }),
    }),
    body: { required: true, content: json(managedSourceCreateSchema) },
  },
  responses: {
    201: { description: 'Saved, with the check report', content: json(answerSchema) },
    400: errorResponses[400],
    409: conflict,
    422: writeErrorResponses[422],
  },
});

const getSettings = v1Route({
  method: 'get',
  path: '/{id}/settings',
  tags: ['Sources'],
  summary: "A source's settings (never its secrets); file sources say they are read-only",
  request: { params: sourceIdParamsSchema },
  responses: {
    200: { description: 'The settings', content: json(z.object({ data: sourceSettingsSchema })) },
    400: errorResponses[400],
    404: errorResponses[404],
  },
});

const patchSource = v1Route({
  method: 'patch',
  path: '/{id}',
  tags: ['Sources'],
  summary:
    'Change or disable a managed source (If-Match; the check runs first unless only name or disabled:true change)',
  request: {
    params: sourceIdParamsSchema,
    headers: ifMatch,
    body: { required: true, content: json(managedSourcePatchSchema) },
  },
  responses: {
    200: {
      description: 'Saved, with the check report (null when no check was needed)',
      content: json(answerSchema),
    },
    400: errorResponses[400],
    404: errorResponses[404],
    409: conflict,
    412: writeErrorResponses[412],
    428: writeErrorResponses[428],
  },
});

const deleteSource = v1Route({
  method: 'delete',
  path: '/{id}',
  tags: ['Sources'],
  summary:
    'Delete a managed source: keep its invoices archived, or remove them (asks which, and says how many)',
  request: {
    params: sourceIdParamsSchema,
    headers: ifMatch,
    query: z.strictObject({
      invoices: z
        .enum(['archive', 'remove'], { error: 'must be archive or remove' })
        .optional()
        .openapi({
          param: {
            name: 'invoices',
            in: 'query',
            description:
              'archive: keep the invoices (the source stays, archived, its secrets erased); remove: tombstone them (consumers see the deletions in /v1/changes) and delete the source',
          },
        }),
    }),
  },
  responses: {
    200: {
      description: 'Deleted',
      content: json(
        z.object({
          data: z.object({
            id: z.string(),
            invoices: z.enum(['archive', 'remove']),
            count: z.number().int(),
          }),
        }),
      ),
    },
    400: errorResponses[400],
    404: errorResponses[404],
    409: conflict,
    412: writeErrorResponses[412],
    428: writeErrorResponses[428],
  },
});

function fileSourceView(source: SourceConfig, origin: string | null) {
  return {
    id: source.id,
    origin: 'file' as const,
    readOnly: true,
    readOnlyReason: `defined in the configuration file${origin ? ` ${origin}` : ''}: change it there and restart the bridge`,
    version: null,
    disabled: false,
    name: source.name,
    url: source.url,
    identifier:
      'identifier' in source.credentials ? source.credentials.identifier : source.credentials.username,
    timeZone: source.timeZone,
    pageSize: source.pageSize,
    schedule: {
      incrementalEverySeconds: source.sync.incrementalEvery / 1000,
      fullEverySeconds: source.sync.fullEvery / 1000,
    },
    tlsCa: source.tls.ca ?? null,
    allowInsecureHttp: source.allowInsecureHttp,
    secretSet: true,
    accessKeySet: source.accessKey !== undefined,
  };
}

function managedView(row: ManagedSourceRow, secrets: { accessKey: boolean }) {
  const s = row.settings as unknown as ManagedSettings;
  return {
    id: row.id,
    origin: 'api' as const,
    readOnly: row.archivedAt !== null,
    readOnlyReason: row.archivedAt
      ? `archived on ${row.archivedAt}: its invoices are kept, it is never synced`
      : null,
    version: row.version,
    disabled: row.disabled,
    name: s.name,
    url: s.url,
    identifier: s.identifier,
    timeZone: s.timeZone,
    pageSize: s.pageSize,
    schedule: {
      incrementalEverySeconds: s.schedule.incrementalEvery / 1000,
      fullEverySeconds: s.schedule.fullEvery / 1000,
    },
    tlsCa: s.tlsCa,
    allowInsecureHttp: s.allowInsecureHttp,
    secretSet: row.archivedAt === null,
    accessKeySet: secrets.accessKey,
  };
}

const refused = (reason: string, message: string, details: Record<string, unknown> = {}) =>
  new ApiError('conflict', message, { reason, ...details });

/** `/v1/sources` writes and settings (mounted before the read routes). */
export function managedSourcesRoutes(deps: AppDeps) {
  const managed = () => {
    if (!deps.managedSources)
      throw new ApiError('unavailable', 'managed sources are not available in this process');
    return deps.managedSources;
  };
  const keyed = () => {
    const m = managed();
    if (!m.ring) throw refused('managed_sources_off', new ManagedSourcesOff().message);
    return m;
  };
  const row = async (id: string) => {
    const found = await deps.store.managedSources.get(id);
    if (found) return found;
    const file = deps.config.sources.find((s) => s.id === id);
    if (file) {
      throw refused(
        'read_only_source',
        `source "${id}" is ${fileSourceView(file, deps.config.origin).readOnlyReason}`,
      );
    }
    throw notFound(`no source "${id}"`);
  };
  const token = (c: Context<AppEnv>) => c.get('tokenName');

  /** Vets the URL, runs the check; throws (nothing saved) unless it passes or `force` says save anyway. */
  const vetAndCheck = async (
    id: string,
    settings: ManagedSettings,
    secrets: ManagedSecrets,
    force: boolean,
  ) => {
    const m = keyed();
    // Redacted from every log line from here on: the check below already sends them to WHMCS.
    m.redactFromLogs(secrets);
    const verdict = await m.vetUrl(settings.url, settings.allowInsecureHttp);
    if (!verdict.ok && !(verdict.unresolved && force)) {
      throw invalidRequest([{ param: 'body.url', message: verdict.message }]);
    }
    const report = await m.check(m.sourceConfig(id, settings, secrets));
    if (!report.ok && !force) {
      throw refused(
        'check_failed',
        'the connection check failed, so nothing was saved: fix what the report says, or send force: true to save it anyway',
        { check: report },
      );
    }
    return report;
  };

  return createRouter()
    .openapi(createSource, async (c) => {
      const body = c.req.valid('json') as z.output<typeof managedSourceCreateSchema>;
      const m = keyed();
      const key = idempotencyKeyOf(c);
      // Keyed by the sealing key: the stored fingerprint must not let anyone test guesses of the secret.
      const fingerprint = createHmac('sha256', m.ring!.current.key)
        .update(`POST /v1/sources\n${JSON.stringify(body)}`)
        .digest('hex');
      const replay = async () => {
        if (key === undefined) return undefined;
        const prior = await deps.store.ledger.read((tx) => tx.answer(token(c), key));
        if (!prior) return undefined;
        if (prior.fingerprint !== fingerprint) throw idempotencyConflict();
        for (const [name, value] of Object.entries(prior.answer.headers)) c.header(name, value);
        c.header('Idempotent-Replayed', 'true');
        return c.json(prior.answer.body as never, prior.answer.status as 201);
      };
      const taken = async () =>
        deps.config.sources.some((s) => s.id === body.id) ||
        (await deps.store.managedSources.get(body.id)) !== undefined;
      const idTaken = () => refused('id_taken', `a source "${body.id}" exists already: choose another id`);
      const first = await replay();
      if (first) return first;
      if (await taken()) throw idTaken();
      const settings: ManagedSettings = {
        name: body.name ?? body.id,
        url: body.url,
        identifier: body.identifier,
        timeZone: body.timeZone,
        pageSize: body.pageSize,
        schedule: body.schedule,
        tlsCa: body.tlsCa,
        allowInsecureHttp: body.allowInsecureHttp,
      };
      const secrets: ManagedSecrets = { secret: body.secret, accessKey: body.accessKey };
      const report = await vetAndCheck(body.id, settings, secrets, body.force);
      const answerFor = (made: ManagedSourceRow) => ({
        status: 201,
        body: { data: managedView(made, { accessKey: secrets.accessKey !== null }), check: report },
        headers: { ETag: etagOf(made.version), Location: `/v1/sources/${made.id}` },
      });
      let saved: ManagedSourceRow;
      try {
        saved = await deps.store.managedSources.insert(
          {
            id: body.id,
            settings: settings as unknown as Record<string, unknown>,
            ...m.seal(body.id, secrets),
          },
          { token: token(c), action: 'create' },
          key === undefined ? undefined : { token: token(c), key, fingerprint, answer: answerFor },
        );
      } catch (err) {
        // The same request sent twice at once: the one that lost the race answers what the first did.
        if (!(await taken())) throw err;
        const again = await replay();
        if (again) return again;
        throw idTaken();
      }
      await m.install(saved, secrets);
      const answer = answerFor(saved);
      for (const [name, value] of Object.entries(answer.headers)) c.header(name, value);
      return c.json(answer.body, 201);
    })
    .openapi(getSettings, async (c) => {
      const { id } = c.req.valid('param');
      const found = await deps.store.managedSources.get(id);
      if (found) {
        c.header('ETag', etagOf(found.version));
        const accessKey = found.archivedAt
          ? false
          : managed().ring
            ? managed().secretsOf(found).accessKey !== null
            : false;
        return c.json({ data: managedView(found, { accessKey }) }, 200);
      }
      const file = deps.config.sources.find((s) => s.id === id);
      if (!file) throw notFound(`no source "${id}"`);
      return c.json({ data: fileSourceView(file, deps.config.origin) }, 200);
    })
    .openapi(patchSource, async (c) => {
      const { id } = c.req.valid('param');
      const expected = expectedVersion(c);
      const patch = c.req.valid('json') as z.output<typeof managedSourcePatchSchema>;
      const m = keyed();
      const current = await row(id);
      if (current.archivedAt) throw refused('archived', `source "${id}" is archived: it cannot be changed`);
      if (current.version !== expected) throw stale(current.version);
      const before = m.secretsOf(current);
      const old = current.settings as unknown as ManagedSettings;
      const settings: ManagedSettings = {
        name: patch.name ?? old.name,
        url: patch.url ?? old.url,
        identifier: patch.identifier ?? old.identifier,
        timeZone: patch.timeZone ?? old.timeZone,
        pageSize: patch.pageSize ?? old.pageSize,
        schedule: patch.schedule ?? old.schedule,
        tlsCa: patch.tlsCa === undefined ? old.tlsCa : patch.tlsCa,
        allowInsecureHttp: patch.allowInsecureHttp ?? old.allowInsecureHttp,
      };
      const secrets: ManagedSecrets = {
        secret: patch.secret ?? before.secret,
        accessKey: patch.accessKey === undefined ? before.accessKey : patch.accessKey,
      };
      const disabled = patch.disabled ?? current.disabled;
      // Nothing that reaches WHMCS changes (a rename, or switching it off): no check, no call.
      const quiet = Object.keys(patch).every(
        (k) => k === 'name' || k === 'force' || (k === 'disabled' && patch.disabled),
      );
      const report = quiet ? null : await vetAndCheck(id, settings, secrets, patch.force);
      let saved: ManagedSourceRow;
      try {
        saved = await deps.store.managedSources.update(
          id,
          expected,
          {
            settings: settings as unknown as Record<string, unknown>,
            disabled,
            ...(patch.secret !== undefined || patch.accessKey !== undefined ? m.seal(id, secrets) : {}),
          },
          { token: token(c), action: disabled && !current.disabled ? 'disable' : 'update' },
        );
      } catch (err) {
        if (err instanceof ManagedVersionMismatch) throw stale(err.current.version);
        throw err;
      }
      await m.install(saved, secrets);
      c.header('ETag', etagOf(saved.version));
      return c.json(
        { data: managedView(saved, { accessKey: secrets.accessKey !== null }), check: report },
        200,
      );
    })
    .openapi(deleteSource, async (c) => {
      const { id } = c.req.valid('param');
      const { invoices } = c.req.valid('query');
      const m = managed();
      const current = await row(id);
      const counts = await deps.store.countsByStatus(id);
      const count = Object.values(counts).reduce((a, b) => a + b, 0);
      if (!invoices) {
        throw refused(
          'choice_required',
          `source "${id}" has ${count} invoices: say what to do with them, ?invoices=archive (keep them, the source stays archived with its secrets erased) or ?invoices=remove (tombstone them; consumers see the deletions)`,
          { invoices: count, choices: ['archive', 'remove'] },
        );
      }
      const expected = expectedVersion(c);
      if (current.version !== expected) throw stale(current.version);
      await m.uninstall(id);
      try {
        if (invoices === 'archive') {
          await deps.store.managedSources.archive(id, expected, { token: token(c), action: 'archive' });
          await m.archive(id);
        } else {
          await removeAllInvoices(deps, id);
          await deps.store.managedSources.remove(id, expected, { token: token(c), action: 'delete' });
        }
      } catch (err) {
        if (err instanceof ManagedVersionMismatch) throw stale(err.current.version);
        throw err;
      }
      return c.json({ data: { id, invoices, count } }, 200);
    });
}

/** Tombstones every live invoice of a source, a page at a time. */
async function removeAllInvoices(deps: AppDeps, sourceId: string) {
  for (;;) {
    const page = await deps.store.listInvoices({ sources: [sourceId] }, undefined, 1000);
    if (page.length === 0) return;
    await deps.store.removeInvoices(
      sourceId,
      page.map((p) => p.invoice.id),
    );
  }
}

function stale(version: number) {
  return new ApiError(
    'precondition_failed',
    `the source changed since you read it: it is at version ${version}; read it again and retry`,
    { currentVersion: version },
    { ETag: etagOf(version) },
  );
}
