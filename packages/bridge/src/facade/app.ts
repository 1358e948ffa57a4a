import type { IncomingMessage } from 'node:http';
import { todayIn } from '@forecaster/whmcs-client';
import {
  encodeResult,
  errorResult,
  getInvoicesResult,
  type ResponseFormat,
  readParams,
  requestedFormat,
} from '@forecaster/whmcs-client/wire';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError, apiErrorResponse, notFound } from '../api/errors.ts';
import type { BridgeConfig, FacadeConfig, SourceConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { SourceRecord, Store } from '../store/types.ts';
import type { SyncController } from '../sync/types.ts';
import { callerIp } from './client-ip.ts';
import { admit, credentialsFor } from './gatekeeper.ts';
import { type GetInvoicesQuery, parseGetInvoices } from './params.ts';
import { WhmcsPages } from './whmcs-pages.ts';

/*
 * The WHMCS facade: `/whmcs/<source>/includes/api.php` answers GetInvoices from the store, as
 * WHMCS 8 answers it, for a Forecaster module configured to talk to WHMCS directly. WHMCS is never
 * called: answers come from the last synced copy (even while the source is failing), and how fresh
 * that copy is goes in response headers, never in the WHMCS-shaped body.
 */

export interface FacadeDeps {
  config: BridgeConfig;
  store: Store;
  sync: Pick<SyncController, 'state'>;
  logger: Logger;
  /** The time now: today for `Overdue`, and the ban's clock. */
  clock?: () => Date;
  /** Rows one call serves at most (default {@link MAX_PAGE_ROWS}). */
  maxPageRows?: number;
}

export interface FacadeEnv {
  /** node-server's bindings: the socket gives the caller's address. */
  Bindings: { incoming?: IncomingMessage };
  Variables: { requestId: string };
}

/** Requests are a few form fields; anything larger is refused before it is read. */
const MAX_BODY_BYTES = 64 * 1024;
/** Rows one call serves at most; a larger page is an error (WHMCS itself would run out of memory). */
export const MAX_PAGE_ROWS = 100_000;

const OFF: FacadeConfig = { credentials: [], allowlist: null, trustedProxies: [], ban: null };

/** The WHMCS release whose answers the facade reproduces (the XML `version` attribute). */
export const WHMCS_VERSION_TEXT = '8.12.1';

/** Headers that say how fresh the served copy is. */
export const STATE_HEADER = 'X-Bridge-Source-State';
export const LAST_SYNC_HEADER = 'X-Bridge-Last-Sync';

/**
 * Builds the facade, to be mounted under `/whmcs` (outside the bearer-token API).
 *
 * @example
 * app.route('/whmcs', createFacade({ config, store, sync: engine, logger }));
 * // POST /whmcs/eu/includes/api.php  identifier=…&secret=…&action=GetInvoices&responsetype=json
 */
export function createFacade(deps: FacadeDeps): Hono<FacadeEnv> {
  const facade = deps.config.facade ?? OFF;
  const now = deps.clock ?? (() => new Date());
  const log = deps.logger.child({ component: 'facade' });
  // In the store: a restart does not lift a ban, as WHMCS keeps its ban list in its database.
  const banRule = facade.ban;
  const bans = deps.store.facadeBans;
  // Looked up per request: managed sources join and leave config.sources while the bridge runs.
  const sourceById = (id: string) => deps.config.sources.find((s) => s.id === id);
  const maxRows = deps.maxPageRows ?? MAX_PAGE_ROWS;
  const pages = new WhmcsPages(deps.store);
  const app = new Hono<FacadeEnv>();

  app.on(
    ['GET', 'POST'],
    '/:sourceId/includes/api.php',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.text('Request Entity Too Large', 413),
    }),
    async (c) => {
      if (facade.credentials.length === 0) {
        throw notFound('the WHMCS facade is off: configure facade.credentials to turn it on');
      }
      const source = sourceById(c.req.param('sourceId'));
      if (!source) throw notFound(`no source "${c.req.param('sourceId')}" is configured`);

      const params = await readParams(c.req.raw);
      const asked = requestedFormat(params);
      const ip = callerIp(c.env?.incoming, c.req.header('x-forwarded-for'), facade.trustedProxies);
      const nowMs = now().getTime();
      const admission = admit(ip, params, {
        facade,
        credentials: credentialsFor(facade, source.id),
        banned: banRule !== null && (await bans.isBanned(ip, nowMs)),
      });
      const banned =
        !admission.ok && admission.failedLogin && banRule !== null
          ? await bans.recordFailure(ip, nowMs, banRule)
          : false;
      c.header('Cache-Control', 'no-store');
      const answer = (
        format: ResponseFormat,
        result: Record<string, unknown>,
        status: 200 | 400 | 403 | 503,
      ) => {
        const action = (params.action ?? '').trim().toLowerCase();
        const encoded = encodeResult(format, result, { versionText: WHMCS_VERSION_TEXT, action });
        return c.body(encoded.body, status, { 'Content-Type': encoded.contentType });
      };
      if (!admission.ok) {
        const fields = { source: source.id, ip, requestId: c.get('requestId') };
        if (banned) log.warn(fields, `facade: ${ip} banned after repeated failed logins`);
        else log.info({ ...fields, refusal: admission.message }, 'facade request refused');
        // Errors raised before an action runs come back as NVP text unless a format was asked for.
        return answer(asked ?? 'nvp', errorResult(admission.message), admission.status);
      }

      const record = await deps.store.getSource(source.id);
      const state = await deps.sync.state(source.id);
      c.header(STATE_HEADER, state);
      const lastSync = lastSuccessfulSync(record);
      if (lastSync) c.header(LAST_SYNC_HEADER, lastSync);
      if (!servable(record, state)) {
        return answer(
          asked ?? 'xml',
          errorResult('The bridge has no copy of this WHMCS yet: try again after its first full sync'),
          503,
        );
      }

      const query = parseGetInvoices(params);
      const page = await readPage(pages, source, query, now(), maxRows);
      if (page === 'too_large') {
        return answer(
          asked ?? 'xml',
          errorResult(`The bridge serves at most ${maxRows} invoices per call: lower limitnum`),
          200,
        );
      }
      return answer(
        asked ?? 'xml',
        getInvoicesResult({ totalresults: page.total, startnumber: query.limitstart, rows: page.rows }),
        200,
      );
    },
  );

  app.onError((err, c) => {
    // What is not a WHMCS answer (no such source, the facade off) is answered as the API answers.
    if (err instanceof ApiError) return apiErrorResponse(c, err);
    const requestId = c.get('requestId');
    log.error({ err, requestId, path: c.req.path }, 'unhandled error in the WHMCS facade');
    // A WHMCS-shaped error, so that the module shows it; it says nothing but where to look.
    return c.json(
      errorResult(`Internal error: the bridge logged it under request id ${requestId ?? '-'}`),
      500,
    );
  });
  return app;
}

async function readPage(
  pages: WhmcsPages,
  source: SourceConfig,
  query: GetInvoicesQuery,
  now: Date,
  maxRows: number,
) {
  if (query.status?.kind === 'unknown') return { total: 0, rows: [] };
  const page = await pages.page(source.id, {
    ...(query.status?.kind === 'status' ? { status: query.status.status } : {}),
    // WHMCS's Overdue: Unpaid and due before today in WHMCS's own zone, i.e. the source's.
    ...(query.status?.kind === 'overdue' ? { overdueBefore: todayIn(source.timeZone, now) } : {}),
    ...(query.userid !== undefined ? { userId: query.userid } : {}),
    orderBy: query.orderby,
    order: query.order,
    offset: query.limitstart,
    // One more than served, to tell a page too large to serve from one that is just large.
    limit: Math.min(query.limitnum, maxRows + 1),
  });
  return page.rows.length > maxRows ? 'too_large' : page;
}

/** The end of the latest successful run on record (full or incremental). */
function lastSuccessfulSync(record: SourceRecord | undefined): string | undefined {
  return [record?.lastFull, record?.lastIncremental]
    .filter((run) => run?.result === 'ok')
    .map((run) => run!.finishedAt)
    .sort()
    .at(-1);
}

/**
 * A copy is served once a sync has completed; a failing source keeps serving the copy it has.
 * Before its first sync completes, a source has nothing truthful to serve: zero invoices would
 * read as "no invoices", so the facade answers an error instead.
 */
function servable(record: SourceRecord | undefined, state: string): boolean {
  if (!record) return false;
  if (lastSuccessfulSync(record) !== undefined) return true;
  return state === 'failing' && record.highWaterMark > 0;
}
