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

/** Source ids from a filter, each configured, or a 400 naming the first unknown one. */
export function knownSources(
  deps: AppDeps,
  ids: string[] | undefined,
  param = 'source',
): string[] | undefined {
  if (!ids) return undefined;
  const unknown = ids.filter((id) => !deps.config.sources.some((s) => s.id === id));
  if (unknown.length) {
    throw invalidRequest(unknown.map((id) => ({ param, message: `no source "${id}" is configured` })));
  }
  return [...new Set(ids)];
}
