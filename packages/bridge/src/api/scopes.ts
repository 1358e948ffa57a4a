import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { SCOPES, type Scope } from '../scopes.ts';
import type { AppEnv } from './deps.ts';
import { ApiError } from './errors.ts';

/** The write routes of a ledger resource (ledger-routes.ts). */
function ledgerWrites(base: string): Record<string, Scope> {
  return {
    [`POST ${base}`]: 'commitments:write',
    [`PATCH ${base}/:id`]: 'commitments:write',
    [`DELETE ${base}/:id`]: 'commitments:write',
    [`POST ${base}/:id/restore`]: 'commitments:write',
  };
}

/*
 * Which scope each /v1 route needs. A GET needs `read` unless listed here; every other method
 * must be listed, or it is refused to every token: a write route that forgot to say what it
 * needs must fail closed, not open. Keys are `METHOD /path` with Hono's `:param` patterns.
 */
export const ROUTE_SCOPES: Readonly<Record<string, Scope>> = {
  // They show the WHMCS URL and API identifier, or make WHMCS calls on the operator's behalf.
  'GET /v1/sources/:id/check': 'sources:admin',
  'POST /v1/sources/:id/sync': 'sources:admin',
  // Managed connections: they hold WHMCS credentials and make calls on the operator's behalf.
  'POST /v1/sources': 'sources:admin',
  'PATCH /v1/sources/:id': 'sources:admin',
  'DELETE /v1/sources/:id': 'sources:admin',
  'GET /v1/sources/:id/settings': 'sources:admin',
  ...ledgerWrites('/v1/counterparties'),
  ...ledgerWrites('/v1/commitments'),
  ...ledgerWrites('/v1/cost-entries'),
  'PUT /v1/alerts/settings': 'commitments:write',
  'POST /v1/commitments/:id/attachments': 'commitments:write',
  'POST /v1/commitments/csv': 'commitments:write',
  'POST /v1/cost-entries/csv': 'commitments:write',
  'POST /v1/cost-entries/:id/attachments': 'commitments:write',
  'DELETE /v1/attachments/:id': 'commitments:write',
};

/** Routes a token without scopes may use besides every `read` route: the rights it always had. */
export const LEGACY_ROUTES: ReadonlySet<string> = new Set([
  'GET /v1/sources/:id/check',
  'POST /v1/sources/:id/sync',
]);

/** The scope `METHOD path` needs, or undefined when it declares none (refused to every token). */
export function requiredScope(method: string, path: string): Scope | undefined {
  const declared = ROUTE_SCOPES[`${method} ${path}`];
  if (declared) return declared;
  return method === 'GET' ? 'read' : undefined;
}

/** May a token with these scopes (null: configured without scopes) call `METHOD path`? */
export function allowed(scopes: readonly Scope[] | null, method: string, path: string): boolean {
  const needed = requiredScope(method, path);
  if (needed === undefined) return false;
  if (scopes === null) return needed === 'read' || LEGACY_ROUTES.has(`${method} ${path}`);
  return scopes.includes(needed);
}

/** Answers 403 `forbidden`, naming the scope, when the token's scopes do not cover the route. */
export function scopeCheck(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // The endpoint the router chose (middleware are registered as ALL); none: a 404 or 405 follows.
    const endpoint = matchedRoutes(c).findLast((route) => route.method !== 'ALL');
    if (endpoint) {
      const scopes = c.get('tokenScopes');
      if (!allowed(scopes, endpoint.method, endpoint.path)) {
        const needed = requiredScope(endpoint.method, endpoint.path);
        const has =
          scopes === null ? 'none configured (the rights of tokens before scopes)' : scopes.join(', ');
        throw new ApiError(
          'forbidden',
          needed
            ? `this token lacks the scope "${needed}" that ${endpoint.method} ${endpoint.path} needs (its scopes: ${has})`
            : `${endpoint.method} ${endpoint.path} is not open to any token`,
          { requiredScope: needed ?? null, tokenScopes: scopes },
        );
      }
    }
    await next();
  };
}

/**
 * The OpenAPI document with each operation's scope in its security requirement (OpenAPI 3.1
 * lets any scheme list roles there), so that readers see what a route needs.
 */
export function documentScopes(document: Record<string, unknown>): Record<string, unknown> {
  type Operation = { security?: unknown; responses?: Record<string, unknown> };
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
  for (const [path, operations] of Object.entries(paths)) {
    if (!path.startsWith('/v1/')) continue;
    const pattern = path.replace(/\{([^}]+)\}/g, ':$1');
    for (const [method, operation] of Object.entries(operations)) {
      const needed = requiredScope(method.toUpperCase(), pattern);
      if (!needed) continue;
      operation.security = [{ bearerAuth: [needed] }];
      operation.responses ??= {};
      operation.responses['403'] = {
        description: `The token lacks the scope \`${needed}\` (\`forbidden\`)`,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
  }
  return document;
}

export { SCOPES, type Scope };
