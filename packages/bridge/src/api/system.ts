import { createRoute, z } from '@hono/zod-openapi';
import type { BridgeConfig } from '../config.ts';
import type { AppDeps } from './deps.ts';
import { createRouter } from './router.ts';

/*
 * Unauthenticated endpoints for orchestrators and scrapers. They say nothing about the
 * invoices: liveness, readiness with its reasons, Prometheus metrics and the API's description.
 */

export const healthSchema = z.object({ status: z.literal('ok') }).openapi('Health');
export const readinessSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    reasons: z.array(z.string()).openapi({ description: 'Why the bridge is not ready; empty when ready' }),
  })
  .openapi('Readiness');

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['System'],
  summary: 'Liveness: the process answers',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: healthSchema } } } },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['System'],
  summary: 'Readiness: the store answers and the configuration can serve requests',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: readinessSchema } } },
    503: {
      description: 'Not ready; `reasons` says why',
      content: { 'application/json': { schema: readinessSchema } },
    },
  },
});

const metrics = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['System'],
  summary: 'Prometheus metrics (text exposition format)',
  responses: {
    200: { description: 'The metrics', content: { 'text/plain': { schema: z.string() } } },
  },
});

const openapi = createRoute({
  method: 'get',
  path: '/openapi.json',
  tags: ['System'],
  summary: 'This API, described in OpenAPI 3.1',
  responses: {
    200: {
      description: 'The OpenAPI document',
      content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
    },
  },
});

/** What makes a configuration unable to serve the API, in words for an operator. */
export function configProblems(config: BridgeConfig): string[] {
  const problems: string[] = [];
  if (config.tokens.length === 0) {
    problems.push(
      'config: no API token is configured, so every /v1 request is refused (add tokens or BRIDGE_TOKEN)',
    );
  }
  if (config.sources.length === 0) problems.push('config: no source is configured');
  return problems;
}

/** `/healthz`, `/readyz`, `/metrics`, `/openapi.json`. */
export function systemRoutes(deps: AppDeps, document: () => Record<string, unknown>) {
  return createRouter()
    .openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200))
    .openapi(readyz, async (c) => {
      const reasons = configProblems(deps.config);
      let answers = false;
      try {
        answers = await deps.store.ping();
      } catch (err) {
        deps.logger.warn({ err, requestId: c.get('requestId') }, 'store ping failed');
      }
      if (!answers) reasons.unshift(`store: the ${deps.store.kind} store does not answer`);
      else {
        try {
          for (const problem of await deps.store.health())
            reasons.unshift(`store: ${problem.code}: ${problem.message}`);
        } catch (err) {
          deps.logger.warn({ err, requestId: c.get('requestId') }, 'store health check failed');
          reasons.unshift(`store: the ${deps.store.kind} store failed its health check`);
        }
      }
      return reasons.length
        ? c.json({ status: 'unavailable' as const, reasons }, 503)
        : c.json({ status: 'ok' as const, reasons }, 200);
    })
    .openapi(metrics, async (c) => {
      const text = await deps.metrics.registry.metrics();
      return c.text(text, 200, { 'Content-Type': deps.metrics.registry.contentType });
    })
    .openapi(openapi, (c) => c.json(document(), 200));
}
