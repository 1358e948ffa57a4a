import { OpenAPIHono } from '@hono/zod-openapi';
import type { SourceConfig } from '../config.ts';
import type { AppDeps, AppEnv } from './deps.ts';
import { invalidRequest, notFound, validationHook } from './errors.ts';

/** A router for one resource, validating with the API's 400 envelope. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/** Security requirement of every /v1 route, for the OpenAPI document. */
export const BEARER = [{ bearerAuth: [] }];

/** The configured source, or a 404. */
export function configuredSource(deps: AppDeps, id: string): SourceConfig {
  const source = deps.config.sources.find((s) => s.id === id);
  if (!source) throw notFound(`no source "${id}" is configured`);
  return source;
}

/**
 * The sources a query may read: those it names, each configured (else a 400 naming the unknown
 * ones), or every configured source. A source removed from the configuration is not served,
 * even while its rows remain in the store, as `/v1/sources/{id}` does not know it either.
 */
export function sourcesToRead(deps: AppDeps, ids: string[] | undefined, param = 'source'): string[] {
  const configured = deps.config.sources.map((s) => s.id);
  if (!ids) return configured;
  const unknown = ids.filter((id) => !configured.includes(id));
  if (unknown.length) {
    throw invalidRequest(unknown.map((id) => ({ param, message: `no source "${id}" is configured` })));
  }
  return [...new Set(ids)];
}
