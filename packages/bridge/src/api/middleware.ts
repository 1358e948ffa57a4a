import type { Hono, MiddlewareHandler, NotFoundHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Metrics } from '../metrics.ts';
import type { AppEnv } from './deps.ts';
import { ApiError, errorBody } from './errors.ts';

/*
 * The request pipeline's small pieces that belong to no resource.
 */

/** URLs longer than this are refused before anything parses them. */
export const MAX_URL_LENGTH = 8 * 1024;
/** Request bodies longer than this are refused (the only body is POST .../sync's tiny JSON). */
export const MAX_BODY_BYTES = 64 * 1024;

/** 414 for an over-long URL, before routing parameters or the query are looked at. */
export function uriLengthLimit(max = MAX_URL_LENGTH): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.url.length > max) {
      throw new ApiError('uri_too_long', `the URL is longer than ${max} characters`);
    }
    await next();
  };
}

/**
 * Counts and times every request by the route pattern that matched (`/v1/invoices/:source/:id`),
 * never the raw path, so that ids in URLs cannot explode the metric's cardinality.
 */
export function httpMetrics(metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      // The last matched route that is an endpoint (middleware are registered as ALL).
      const endpoint = matchedRoutes(c).findLast((route) => route.method !== 'ALL');
      const route = endpoint?.path ?? 'unmatched';
      const method = c.req.method;
      metrics.httpRequests.inc({ method, route, status: String(c.res.status) });
      metrics.httpLatency.observe({ method, route }, (performance.now() - started) / 1000);
    }
  };
}

function patternToRegExp(path: string): RegExp {
  const source = path
    .split('/')
    .map((part) =>
      part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}$`);
}

/** 404 for an unknown path; 405 with Allow for a known path asked with another method. */
export function notFoundOrNotAllowed(app: Hono<AppEnv>): NotFoundHandler<AppEnv> {
  let table: Array<{ re: RegExp; method: string }> | undefined;
  return (c) => {
    table ??= app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => ({ re: patternToRegExp(route.path), method: route.method }));
    const allowed = [...new Set(table.filter((entry) => entry.re.test(c.req.path)).map((e) => e.method))];
    if (allowed.length) {
      if (allowed.includes('GET')) allowed.push('HEAD');
      c.header('Allow', allowed.join(', '));
      return c.json(
        errorBody(
          c,
          'method_not_allowed',
          `${c.req.method} is not allowed here: use ${allowed.join(', ')}`,
          null,
        ),
        405,
      );
    }
    return c.json(errorBody(c, 'not_found', `no route ${c.req.method} ${c.req.path}`, null), 404);
  };
}
