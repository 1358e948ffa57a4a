import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_ATTACHMENT_BYTES, MAX_FILES_PER_UPLOAD } from '../ledger/attachment-files.ts';
import type { AppEnv } from './deps.ts';
import { ApiError } from './errors.ts';
import { MAX_BODY_BYTES } from './middleware.ts';

/*
 * How much of a request body the API reads: JSON bodies are small; an upload of attachments and
 * a CSV import are larger by nature, on their own routes only.
 */

/** A whole upload: every file at its limit, plus the multipart framing. */
export const MAX_UPLOAD_BYTES = MAX_ATTACHMENT_BYTES * MAX_FILES_PER_UPLOAD + 1024 * 1024;
/** A CSV import (tens of thousands of rows). */
export const MAX_CSV_BYTES = 8 * 1024 * 1024;

const limit = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError('payload_too_large', `the request body is larger than ${maxSize} bytes`);
    },
  });

/** The body limit of each route: by its path, before anything reads the body. */
export function bodyLimits(): MiddlewareHandler<AppEnv> {
  const upload = limit(MAX_UPLOAD_BYTES);
  const csv = limit(MAX_CSV_BYTES);
  const json = limit(MAX_BODY_BYTES);
  return (c, next) => {
    const path = c.req.path;
    if (c.req.method === 'POST' && /^\/v1\/(commitments|cost-entries)\/[^/]+\/attachments$/.test(path)) {
      return upload(c, next);
    }
    if (c.req.method === 'POST' && /^\/v1\/(commitments|cost-entries)\/csv$/.test(path)) return csv(c, next);
    return json(c, next);
  };
}
