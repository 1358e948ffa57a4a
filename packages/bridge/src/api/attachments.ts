import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { z } from '@hono/zod-openapi';
import {
  ATTACHMENT_TYPES,
  MAX_ATTACHMENT_BYTES,
  MAX_FILES_PER_UPLOAD,
  sniffType,
} from '../ledger/attachment-files.ts';
import type { AttachmentBytes } from '../store/attachment-bytes.ts';
import type { AttachmentRow } from '../store/ledger.ts';
import type { AppDeps } from './deps.ts';
import { errorContent, errorResponses, type RequestIssue } from './error-schema.ts';
import { ApiError, invalidRequest, notFound } from './errors.ts';
import { createRouter, v1Route } from './router.ts';
import { etagOf, expectedVersion, runWrite, writeErrorResponses } from './write-support.ts';

/*
 * Attachments on commitments and cost entries: contracts and invoices as PDF (or a scan as PNG
 * or JPEG), several per upload, checked by their content, stored content-addressed in the data
 * directory (SQLite) or the database (PostgreSQL: every bridge serves every upload). They are served only to a token, by a random id: never at a guessable URL.
 */

/** Attachments are immutable: one version, so a DELETE's If-Match says which record it read. */
const ATTACHMENT_VERSION = 1 as const;

export const attachmentSchema = z
  .object({
    id: z.string().openapi({ description: 'Random; GET /v1/attachments/{id} serves the file' }),
    ownerKind: z.enum(['commitment', 'cost_entry']),
    ownerId: z.string(),
    filename: z.string(),
    contentType: z.enum(ATTACHMENT_TYPES).openapi({ description: 'From the content, not the name' }),
    size: z.number().int(),
    sha256: z.string(),
    createdAt: z.string(),
    version: z.literal(ATTACHMENT_VERSION).openapi({
      description:
        'An attachment never changes, it is only removed: its ETag is always "1", which DELETE needs in If-Match',
    }),
  })
  .openapi('Attachment');

const view = (a: AttachmentRow) => ({
  id: a.id,
  ownerKind: a.ownerKind,
  ownerId: a.ownerId,
  filename: a.filename,
  contentType: a.contentType as (typeof ATTACHMENT_TYPES)[number],
  size: a.size,
  sha256: a.sha256,
  createdAt: a.createdAt,
  version: ATTACHMENT_VERSION,
});

const ownerParams = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z]{2}_[A-Za-z0-9_-]{8,40}$/, 'is not an id this API issued')
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const attachmentParams = z.strictObject({
  id: z
    .string()
    .regex(/^at_[A-Za-z0-9_-]{22}$/, 'is not an attachment id')
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const list = { 'application/json': { schema: z.object({ data: z.array(attachmentSchema) }) } };

/** A name safe to store and to put in Content-Disposition: no path, no control characters. */
function cleanName(name: string): string {
  const plain = [...basename(name.replaceAll('\\', '/'))]
    .filter((ch) => ch !== '"' && ch.charCodeAt(0) > 0x1f && ch.charCodeAt(0) !== 0x7f)
    .join('')
    .trim();
  return (plain || 'attachment').slice(0, 200);
}

/**
 * Where the attachments' bytes live: the data directory's files, or the shared database. Asked
 * at the first request (describing the API builds the routes without a store).
 */
function attachmentBytesOf(deps: Pick<AppDeps, 'config' | 'store'>): () => AttachmentBytes {
  let bytes: AttachmentBytes | undefined;
  return () => (bytes ??= deps.store.attachmentBytes(deps.config.dataDir));
}

function ownerRoutes(deps: AppDeps, kind: AttachmentRow['ownerKind'], noun: string) {
  const files = attachmentBytesOf(deps);
  const owner = (tx: Parameters<Parameters<typeof deps.store.ledger.read>[0]>[0], id: string) => {
    const record = tx.get(kind, id);
    if (!record || record.deletedAt) throw notFound(`no live ${noun} "${id}"`);
    return record;
  };
  const upload = v1Route({
    method: 'post',
    path: '/{id}/attachments',
    tags: ['Commitments'],
    summary: `Attach files to a ${noun} (multipart, field "file", several at once)`,
    description: `PDF, PNG or JPEG, decided by the content; at most ${MAX_FILES_PER_UPLOAD} files of ${MAX_ATTACHMENT_BYTES} bytes each. All or nothing: one refused file refuses the upload, naming each problem.`,
    request: {
      params: ownerParams,
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            // The files are checked by the handler (count, size, content); the schema documents them.
            schema: z.object({
              file: z.unknown().openapi({ type: 'array', items: { type: 'string', format: 'binary' } }),
            }),
          },
        },
      },
    },
    responses: {
      201: { description: 'The new attachments', content: list },
      400: errorResponses[400],
      404: errorResponses[404],
      413: {
        description: 'The upload is larger than the bridge takes (`payload_too_large`)',
        content: errorContent,
      },
      422: writeErrorResponses[422],
    },
  });
  const listRoute = v1Route({
    method: 'get',
    path: '/{id}/attachments',
    tags: ['Commitments'],
    summary: `The attachments of a ${noun}`,
    request: { params: ownerParams },
    responses: {
      200: { description: 'Oldest first', content: list },
      400: errorResponses[400],
      404: errorResponses[404],
    },
  });
  return createRouter()
    .openapi(upload, async (c) => {
      const { id } = c.req.valid('param');
      await deps.store.ledger.read((tx) => owner(tx, id));
      const type = c.req.header('Content-Type') ?? '';
      if (!type.startsWith('multipart/form-data')) {
        throw new ApiError(
          'unsupported_media_type',
          'send multipart/form-data with one or more "file" fields',
        );
      }
      const form = await c.req.parseBody({ all: true });
      const given = form.file === undefined ? [] : Array.isArray(form.file) ? form.file : [form.file];
      const uploads = given.filter((f): f is File => typeof f !== 'string');
      const issues: RequestIssue[] = [];
      if (uploads.length === 0)
        issues.push({ param: 'body.file', message: 'no file: send one or more "file" fields' });
      if (uploads.length > MAX_FILES_PER_UPLOAD) {
        issues.push({ param: 'body.file', message: `at most ${MAX_FILES_PER_UPLOAD} files per upload` });
      }
      const checked: Array<{ name: string; bytes: Uint8Array; type: string }> = [];
      for (const [i, file] of uploads.entries()) {
        const name = cleanName(file.name);
        const param = `body.file[${i}]`;
        if (file.size > MAX_ATTACHMENT_BYTES) {
          issues.push({ param, message: `${name} is ${file.size} bytes: at most ${MAX_ATTACHMENT_BYTES}` });
          continue;
        }
        const bytes = new Uint8Array(await file.arrayBuffer());
        const sniffed = sniffType(bytes);
        if (!sniffed) {
          issues.push({
            param,
            message: `${name} is not a PDF, PNG or JPEG by its content (whatever its name or declared type says)`,
          });
          continue;
        }
        checked.push({ name, bytes, type: sniffed });
      }
      if (issues.length) throw invalidRequest(issues);
      const held = await files().hold(checked.map((f) => f.bytes));
      const stored = checked.map((f, i) => ({ ...f, ...held.stored[i]! }));
      const input = stored.map((f) => ({ name: f.name, sha256: f.sha256 }));
      let committed = false;
      try {
        const answer = await runWrite(c, deps, input, (tx) => {
          owner(tx, id);
          const data = stored.map((f) =>
            view(
              tx.addAttachment(
                {
                  id: `at_${randomBytes(16).toString('base64url')}`,
                  ownerKind: kind,
                  ownerId: id,
                  sha256: f.sha256,
                  filename: f.name,
                  contentType: f.type,
                  size: f.size,
                },
                c.get('tokenName'),
              ),
            ),
          );
          return { status: 201, body: { data } };
        });
        committed = true;
        return answer as never;
      } finally {
        // A failed transaction (the record deleted meanwhile, a reused key, the store gone)
        // takes back the files it wrote, unless a row or another upload names them.
        await held.release(committed).catch((err) => {
          deps.logger.warn(
            { err, requestId: c.get('requestId') },
            'an orphan attachment file was not removed',
          );
        });
      }
    })
    .openapi(listRoute, async (c) => {
      const { id } = c.req.valid('param');
      const data = await deps.store.ledger.read((tx) => {
        owner(tx, id);
        return tx.attachments(kind, id).map(view);
      });
      return c.json({ data }, 200);
    });
}

/** Mounted at /v1/commitments and /v1/cost-entries (before their records' routes). */
export const commitmentAttachmentsRoutes = (deps: AppDeps) => ownerRoutes(deps, 'commitment', 'commitment');
export const costEntryAttachmentsRoutes = (deps: AppDeps) => ownerRoutes(deps, 'cost_entry', 'cost entry');

const download = v1Route({
  method: 'get',
  path: '/{id}',
  tags: ['Commitments'],
  summary: 'The file of an attachment (as a download, never rendered inline)',
  request: { params: attachmentParams },
  responses: {
    200: {
      description: 'The bytes',
      content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    400: errorResponses[400],
    404: errorResponses[404],
  },
});

const remove = v1Route({
  method: 'delete',
  path: '/{id}',
  tags: ['Commitments'],
  summary: 'Remove an attachment from its record (If-Match "1"; audited)',
  request: {
    params: attachmentParams,
    headers: z.object({
      'if-match': z.string().optional().openapi({ description: 'The ETag you read: "1" (required)' }),
    }),
  },
  responses: {
    200: {
      description: 'Removed',
      content: { 'application/json': { schema: z.object({ data: attachmentSchema }) } },
    },
    400: errorResponses[400],
    404: errorResponses[404],
    412: writeErrorResponses[412],
    428: writeErrorResponses[428],
  },
});

/** `/v1/attachments/{id}`: download and removal. */
export function attachmentsRoutes(deps: AppDeps) {
  const files = attachmentBytesOf(deps);
  return createRouter()
    .openapi(download, async (c) => {
      const { id } = c.req.valid('param');
      const row = await deps.store.ledger.read((tx) => tx.attachment(id));
      if (!row || row.deletedAt) throw notFound(`no attachment "${id}"`);
      const bytes = await files().read(row.sha256);
      return c.body(new Uint8Array(bytes), 200, {
        'Content-Type': row.contentType,
        'Content-Length': String(bytes.length),
        'Content-Disposition': `attachment; filename="${row.filename.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(row.filename)}`,
        'X-Content-Type-Options': 'nosniff',
        ETag: etagOf(ATTACHMENT_VERSION),
        'Cache-Control': 'private, no-store',
      }) as never;
    })
    .openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      const expected = expectedVersion(c);
      return runWrite(c, deps, null, (tx) => {
        const row = tx.attachment(id);
        if (!row || row.deletedAt) throw notFound(`no attachment "${id}"`);
        if (expected !== ATTACHMENT_VERSION) {
          throw new ApiError(
            'precondition_failed',
            `an attachment is always at version ${ATTACHMENT_VERSION}: send If-Match: "${ATTACHMENT_VERSION}"`,
            { currentVersion: ATTACHMENT_VERSION },
            { ETag: etagOf(ATTACHMENT_VERSION) },
          );
        }
        return { status: 200, body: { data: view(tx.deleteAttachment(id, c.get('tokenName'))) } };
      }) as never;
    });
}
