import { createRoute, OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { AppEnv } from './deps.ts';
import { errorContent, errorResponses } from './error-schema.ts';
import { validationHook } from './errors.ts';

/** A router for one resource, validating with the API's 400 envelope. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/** Security requirement of every /v1 route, for the OpenAPI document. */
const BEARER = [{ bearerAuth: [] }];

/** What every authenticated route may answer besides its own responses. */
const AUTH_RESPONSES = {
  401: errorResponses[401],
  // The scope each route needs is filled in by documentScopes (scopes.ts), from ROUTE_SCOPES.
  403: { description: 'The token lacks the scope this route needs (`forbidden`)', content: errorContent },
  429: errorResponses[429],
} as const;

/**
 * A /v1 route: behind the bearer token, so its definition carries the security scheme and the
 * 401, 403 and 429 answers every such route can give, and lists only its own.
 *
 * @example
 * const getSource = v1Route({ method: 'get', path: '/{id}', request: { params }, responses: { 200: ok, 404: errorResponses[404] } });
 */
export function v1Route<const R extends Omit<RouteConfig, 'security'>>(route: R) {
  return createRoute({
    ...route,
    security: BEARER,
    responses: { ...route.responses, ...AUTH_RESPONSES },
  });
}
