import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { BridgeConfig } from '../config.ts';
import { alertSettingsRoutes } from './alert-settings.ts';
import { alertsRoutes } from './alerts.ts';
import { attachmentsRoutes, commitmentAttachmentsRoutes, costEntryAttachmentsRoutes } from './attachments.ts';
import { auditRoutes, ledgerChangesRoutes } from './audit.ts';
import { bearerAuth } from './auth.ts';
import { bodyLimits } from './body-limits.ts';
import { calendarRoutes } from './calendar.ts';
import { changesRoutes } from './changes.ts';
import { checkRoutes } from './check.ts';
import { commitmentsRoutes } from './commitments.ts';
import { costEntriesRoutes } from './cost-entries.ts';
import { costsRoutes } from './costs.ts';
import { counterpartiesRoutes } from './counterparties.ts';
import type { AppDeps, AppEnv } from './deps.ts';
import { docsPagesRoutes } from './docs-pages.ts';
import { errorHandler, validationHook } from './errors.ts';
import { forecastRoutes } from './forecast.ts';
import { invoicesRoutes } from './invoices.ts';
import { commitmentsCsvRoutes, costEntriesCsvRoutes } from './ledger-csv.ts';
import { managedSourcesRoutes } from './managed-sources.ts';
import { httpMetrics, notFoundOrNotAllowed, uriLengthLimit } from './middleware.ts';
import { netForecastRoutes } from './net-forecast.ts';
import { paymentBehaviourRoutes } from './payment-behaviour.ts';
import { readableSources } from './readable-sources.ts';
import { receivablesRoutes } from './receivables.ts';
import { revenueRoutes } from './revenue.ts';
import { revenueFiguresRoutes } from './revenue-figures.ts';
import { documentScopes, scopeCheck } from './scopes.ts';
import { sourcesRoutes } from './sources.ts';
import { syncRoutes } from './sync.ts';
import { systemRoutes } from './system.ts';

export type { AppDeps } from './deps.ts';

/** The OpenAPI 3.1 document of an app built by {@link createApp}. */
function describeApi(app: OpenAPIHono<AppEnv>, version = '0.0.0'): Record<string, unknown> {
  const document = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Forecaster Bridge API',
      version,
      description:
        'Invoices synced from every configured WHMCS, normalized, for the Commitment Forecaster. ' +
        'Every /v1 route needs a bearer token with the scope its security requirement names (read, commitments:write, sources:admin). Errors answer {"error":{"code","message","details","requestId"}}.',
    },
  }) as unknown as Record<string, unknown>;
  return documentScopes(document);
}

/**
 * Builds the bridge's HTTP API from its dependencies. Nothing here reads the environment or
 * opens a port: `main.ts` passes it to `serve()`, tests call `app.request()`.
 *
 * @example
 * const app = createApp({ config, store, sync, logger, metrics });
 * const res = await app.request('/v1/sources', { headers: { Authorization: `Bearer ${token}` } });
 */
export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const now = deps.clock ?? (() => new Date());
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  // Order matters: the request id first so that every answer (even a 414) carries it; the URL
  // length before anything parses the query; CORS before auth so that preflights need no token.
  app.use(
    '*',
    requestId({ limitLength: 128 }),
    httpMetrics(deps.metrics),
    secureHeaders({
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      xFrameOptions: 'DENY',
    }),
    uriLengthLimit(),
  );
  if (deps.config.cors.origins.length > 0) {
    app.use(
      '*',
      cors({
        origin: deps.config.cors.origins,
        allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'If-Match', 'Idempotency-Key'],
        exposeHeaders: ['X-Request-Id', 'Retry-After', 'Location', 'ETag', 'Idempotent-Replayed'],
        maxAge: 600,
      }),
    );
  }
  // Auth before the body is read: an unauthenticated caller cannot make the bridge read anything.
  app.use(
    '/v1/*',
    bearerAuth(deps.config.tokens, deps.config.rateLimit, () => now().getTime()),
    scopeCheck(),
    bodyLimits(),
    readableSources(deps),
  );

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token from the bridge configuration (`tokens`), as `Authorization: Bearer <token>`',
  });

  let document: Record<string, unknown> | undefined;
  // Built once, on first request: the routes do not change after start.
  const openApiDocument = () => (document ??= describeApi(app, deps.version));

  app
    .route('/v1/sources', managedSourcesRoutes(deps))
    .route('/v1/sources', sourcesRoutes(deps))
    .route('/v1/sources', syncRoutes(deps))
    .route('/v1/sources', checkRoutes(deps))
    .route('/v1/invoices', invoicesRoutes(deps))
    .route('/v1/changes', changesRoutes(deps))
    .route('/v1/revenue', revenueRoutes(deps))
    // Before /v1/commitments: /v1/commitments/forecast is not a commitment id.
    .route('/v1', costsRoutes(deps))
    .route('/v1', netForecastRoutes(deps))
    .route('/v1/counterparties', counterpartiesRoutes(deps))
    .route('/v1/commitments', commitmentsCsvRoutes(deps))
    .route('/v1/commitments', commitmentAttachmentsRoutes(deps))
    .route('/v1/commitments', commitmentsRoutes(deps))
    .route('/v1/cost-entries', costEntriesCsvRoutes(deps))
    .route('/v1/cost-entries', costEntryAttachmentsRoutes(deps))
    .route('/v1/cost-entries', costEntriesRoutes(deps))
    .route('/v1/attachments', attachmentsRoutes(deps))
    .route('/v1/audit', auditRoutes(deps))
    .route('/v1/alerts', alertSettingsRoutes(deps))
    .route('/v1/alerts', alertsRoutes(deps))
    .route('/v1/calendar', calendarRoutes(deps))
    .route('/v1/ledger/changes', ledgerChangesRoutes(deps))
    .route('/v1/revenue', revenueFiguresRoutes(deps))
    .route('/v1/receivables', receivablesRoutes(deps))
    .route('/v1/payment-behaviour', paymentBehaviourRoutes(deps))
    .route('/v1/forecast', forecastRoutes(deps))
    .route('/', systemRoutes(deps, openApiDocument))
    .route('/', docsPagesRoutes(deps));

  app.notFound(notFoundOrNotAllowed(app));
  app.onError(errorHandler(deps.logger));
  return app;
}

/**
 * The API's OpenAPI document without a running bridge (no store, no engine), for the docs site.
 * It is the same document `GET /openapi.json` serves.
 *
 * @example
 * writeFileSync('openapi.json', JSON.stringify(openApiDocument({ version: '1.2.0' }), null, 2));
 */
export function openApiDocument(options: { version?: string } = {}): Record<string, unknown> {
  // Describing the routes never calls them: anything that would touch a dependency throws.
  const absent = (what: string) =>
    new Proxy({} as never, {
      get: (_, key) => {
        throw new Error(`openApiDocument: ${what}.${String(key)} is not available while describing the API`);
      },
    });
  const config: BridgeConfig = {
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: '.',
    tokens: [],
    cors: { origins: [] },
    rateLimit: { requestsPerMinute: 1 },
    log: { level: 'fatal', format: 'json' },
    sources: [],
    origin: null,
    secrets: [],
    warnings: [],
  };
  const app = createApp({
    config,
    store: absent('store'),
    sync: absent('sync'),
    logger: absent('logger'),
    metrics: absent('metrics'),
    ...(options.version ? { version: options.version } : {}),
  });
  return describeApi(app, options.version);
}
