import { z } from '@hono/zod-openapi';

/*
 * The error envelope every API answer uses, and the one table that gives each error code its
 * HTTP status: an ApiError names the code, the status follows.
 */

/** One problem with the request: the parameter (query, path or body field) and what is wrong. */
export const issueSchema = z
  .object({ param: z.string(), message: z.string() })
  .openapi('RequestIssue', { example: { param: 'limit', message: 'must be an integer from 1 to 1000' } });
export type RequestIssue = z.infer<typeof issueSchema>;

/** Every error code, with the status it is answered with. */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  sync_running: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  rate_limited: 429,
  credential_refused: 409,
  login_cooldown: 429,
  login_in_progress: 429,
  unavailable: 503,
  store_unavailable: 503,
  internal_error: 500,
  // The write side (issue 14).
  conflict: 409,
  precondition_failed: 412,
  precondition_required: 428,
  idempotency_conflict: 422,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** Every error answer. `details` is a list of issues for 400, an object for some others, else null. */
export const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z.union([z.array(issueSchema), z.record(z.string(), z.unknown())]).nullable(),
      /** Quote it when reporting a problem: the bridge's log lines carry it too. */
      requestId: z.string(),
    }),
  })
  .openapi('Error', {
    example: {
      error: {
        code: 'invalid_request',
        message: 'limit: must be an integer from 1 to 1000',
        details: [{ param: 'limit', message: 'must be an integer from 1 to 1000' }],
        requestId: '3f0c8f7e-2a55-4c4e-9d55-1f2b6b1f7c11',
      },
    },
  });
export type ErrorBody = z.infer<typeof errorSchema>;

export const errorContent = { 'application/json': { schema: errorSchema } } as const;
/** Error responses, for route definitions (401, 403 and 429 come with {@link v1Route}). */
export const errorResponses = {
  400: {
    description: 'A parameter is invalid (`invalid_request`); `details` names each',
    content: errorContent,
  },
  401: { description: 'No valid bearer token (`unauthorized`)', content: errorContent },
  404: { description: 'No such resource (`not_found`)', content: errorContent },
  409: {
    description:
      'A sync is already running for this source (`sync_running`), or WHMCS refused its credential and the bridge will not send it again unless the configuration changes or `{"force": true}` is sent (`credential_refused`)',
    content: errorContent,
  },
  429: {
    description:
      'Too many requests (`rate_limited`), the source had a failed login less than 15 minutes ago (`login_cooldown`), or another run or check is logging in with a credential WHMCS has not accepted yet (`login_in_progress`); see Retry-After',
    content: errorContent,
  },
  503: { description: 'The feature is not available in this process (`unavailable`)', content: errorContent },
} as const;
