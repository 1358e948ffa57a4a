import type { Hook } from '@hono/zod-openapi';
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import type { Logger } from '../logger.ts';
import { storeUnavailable } from '../store/store-unavailable.ts';
import type { AppEnv } from './deps.ts';
import { ERROR_STATUS, type ErrorBody, type ErrorCode, type RequestIssue } from './error-schema.ts';

/*
 * One error family for the API, the hono way: handlers and middleware throw an ApiError (an
 * HTTPException whose status follows from its code), and the one onError turns it into the
 * envelope `{"error":{"code","message","details","requestId"}}`. Anything else is a bug: logged
 * with the request id, answered with a 500 that says nothing.
 */

type Details = RequestIssue[] | Record<string, unknown> | null;

/** An answer the client caused or can act on, with a stable `code`; the status is the code's. */
export class ApiError extends HTTPException {
  override name = 'ApiError';
  override readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Details = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(ERROR_STATUS[code], { message });
    this.status = ERROR_STATUS[code];
  }
}

/** A 400 naming each bad parameter; the message leads with the first. */
export function invalidRequest(issues: RequestIssue[]): ApiError {
  const first = issues[0] ?? { param: 'request', message: 'is invalid' };
  const more =
    issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return new ApiError('invalid_request', `${first.param}: ${first.message}${more}`, issues);
}

export function notFound(message: string, details: Details = null): ApiError {
  return new ApiError('not_found', message, details);
}

const TARGET_NAMES: Record<string, string> = { json: 'body', form: 'body', query: 'query', param: 'path' };

/** zod issues as `{ param, message }`: the query or path parameter, or the body field. */
export function issuesFrom(error: ZodError, target: string, input?: unknown): RequestIssue[] {
  return error.issues.flatMap((issue): RequestIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      const kind = target === 'json' ? 'field' : 'parameter';
      const prefix = target === 'json' ? 'body.' : '';
      return issue.keys.map((key) => ({ param: `${prefix}${key}`, message: `is not a known ${kind}` }));
    }
    const head = issue.path[0];
    let name: string;
    if (target === 'json') name = issue.path.length ? `body.${issue.path.map(String).join('.')}` : 'body';
    else name = head === undefined ? (TARGET_NAMES[target] ?? target) : String(head);
    // The path below the parameter is the index in a list: say which value, when there are several.
    const index =
      target !== 'json' && typeof issue.path[1] === 'number' && givenSeveral(input, head)
        ? ` (value ${issue.path[1] + 1})`
        : '';
    return [{ param: name, message: `${plain(issue.message)}${index}` }];
  });
}

/** A list parameter given more than once or with commas: its values need numbers to be told apart. */
function givenSeveral(input: unknown, name: PropertyKey | undefined): boolean {
  if (input === undefined) return true;
  const raw = (input as Record<PropertyKey, unknown> | null)?.[name ?? ''];
  if (Array.isArray(raw)) return raw.filter((v) => String(v).trim() !== '').length > 1;
  return typeof raw === 'string' && raw.split(',').filter((v) => v.trim() !== '').length > 1;
}

// zod's defaults ("Invalid input: expected string, received undefined") read oddly after a name.
function plain(message: string): string {
  if (/^Invalid input: expected \w+, received undefined$/.test(message)) return 'is required';
  return message.replace(/^Invalid input: /, '').replace(/^Unrecognized key/, 'unknown key');
}

/** The zod-openapi validation hook: any failed validation becomes our 400. */
export const validationHook: Hook<unknown, AppEnv, string, undefined> = (result) => {
  // zod-validator hands the hook the raw input as `data`, also on failure (its type omits it).
  if (!result.success) {
    throw invalidRequest(issuesFrom(result.error, result.target, (result as { data?: unknown }).data));
  }
  return undefined;
};

/** The variables an app needs for the error envelope (the API's and the facade's). */
type WithRequestId = { Variables: { requestId: string } };

export function errorBody<E extends WithRequestId>(
  c: Context<E>,
  code: ErrorCode,
  message: string,
  details: Details,
): ErrorBody {
  return { error: { code, message, details, requestId: c.var.requestId ?? '' } };
}

// Hono's own refusals carry a status only: the code each of those statuses means.
const HTTP_CODES = new Map<number, ErrorCode>(
  (
    [
      'invalid_request',
      'unauthorized',
      'not_found',
      'method_not_allowed',
      'payload_too_large',
      'uri_too_long',
      'unsupported_media_type',
      'rate_limited',
    ] as const
  ).map((code) => [ERROR_STATUS[code], code]),
);

/** The envelope answer of an ApiError. */
export function apiErrorResponse<E extends WithRequestId>(c: Context<E>, err: ApiError): Response {
  for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
  return c.json(errorBody(c, err.code, err.message, err.details), err.status);
}

/** The app's one error handler. */
export function errorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return (err, c) => {
    if (err instanceof ApiError) return apiErrorResponse(c, err);
    // Hono's own refusals (malformed JSON, an unsupported media type): known, safe messages.
    if (err instanceof HTTPException && err.status < 500) {
      const code = HTTP_CODES.get(err.status) ?? 'invalid_request';
      if (err.status === 400) {
        const issue = {
          param: 'body',
          message: err.message.replace(/ in request body$/, '') || 'is invalid',
        };
        return c.json(errorBody(c, code, `body: ${issue.message}`, [issue]), 400);
      }
      const message = code === 'unsupported_media_type' ? 'send the body as application/json' : err.message;
      return c.json(errorBody(c, code, message, null), err.status as ContentfulStatusCode);
    }
    // The store is down or cannot be written: a state to wait out or fix, not a bug (issue 15).
    const down = storeUnavailable(err);
    if (down) {
      logger.warn({ err, requestId: c.var.requestId, path: c.req.path }, `store unavailable: ${down}`);
      return apiErrorResponse(
        c,
        new ApiError(
          'store_unavailable',
          `The bridge cannot use its store right now (${down}): nothing was answered from stale data. Retry in a moment; /readyz says when it is back.`,
          { reason: down },
          { 'Retry-After': '5' },
        ),
      );
    }
    logger.error(
      { err, requestId: c.var.requestId, method: c.req.method, path: c.req.path },
      'unhandled error in the API',
    );
    return c.json(
      errorBody(c, 'internal_error', 'Internal error: the bridge logged it under this request id.', null),
      500,
    );
  };
}
