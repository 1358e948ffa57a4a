import type { IncomingMessage } from 'node:http';
import {
  type BanList,
  encodeResult,
  errorResult,
  normalizeIp,
  type ResponseFormat,
  readParams,
  requestedFormat,
  WHMCS_MESSAGES,
} from '@forecaster/whmcs-client/wire';
import { Hono } from 'hono';
import type { ActionContext, ActionOutcome } from './api-actions.ts';
import { ACTIONS } from './api-actions.ts';
import { corruptUtf8 } from './corrupt-utf8.ts';
import type { FaultRegistry } from './fault-registry.ts';
import { admit } from './gatekeeper.ts';
import { notFoundPage, proxyErrorPage } from './html-pages.ts';
import { redactParams, untilAborted } from './request-input.ts';
import type { RequestLogEntry, ResolvedSimulatorOptions } from './types.ts';
import { notSimulatedMessage, WHMCS_ACTIONS } from './whmcs-actions.ts';
import { VERSION_TEXT } from './wire.ts';

/** What the caller passes as Hono's env: in-process a client IP, over HTTP node-server's bindings. */
export interface SimBindings {
  clientIp?: string;
  incoming?: IncomingMessage;
  /** In-process only: set when a 'reset' fault means the connection should look dropped. */
  outcome?: { reset?: boolean };
}

export interface AppDeps {
  options: ResolvedSimulatorOptions;
  bans: BanList;
  faults: FaultRegistry;
  log: RequestLogEntry[];
  actions: ActionContext;
}

/**
 * The WHMCS endpoint: `<prefix>/includes/api.php` answers the API, any other path the web server's
 * 404 page. Front-of-WHMCS faults are injected first, then WHMCS's own checks run in its order.
 */
export function createApp(deps: AppDeps): Hono<{ Bindings: SimBindings }> {
  const { options, log } = deps;
  const app = new Hono<{ Bindings: SimBindings }>();

  app.all(`${options.pathPrefix}/includes/api.php`, async (c) => {
    // The latency model is WHMCS's whole time on a call: the simulator's own work on it (reading
    // the request, answering, encoding) is taken out of what it sleeps, not added to it.
    let since = performance.now();
    const wait = async (ms: number) => {
      const own = performance.now() - since;
      await options.sleep(Math.max(0, ms - own), c.req.raw.signal);
      since = performance.now();
    };
    const request = c.req.raw;
    const env = c.env ?? {};
    const socketIp = env.incoming?.socket.remoteAddress;
    const ip = normalizeIp(socketIp ?? env.clientIp ?? options.clientIp);
    const params = await readParams(request);
    const action = (params.action ?? '').trim().toLowerCase() || null;
    const index = log.length;
    const entry: RequestLogEntry = {
      at: options.now(),
      ip,
      method: request.method,
      action,
      params: redactParams(params),
      status: 0,
    };
    log.push(entry);

    const fault = deps.faults.take({ action, params, index });
    if (fault) entry.fault = fault.kind;
    switch (fault?.kind) {
      case 'html500':
      case 'html502':
      case 'html504':
      case 'waf403': {
        const response = proxyErrorPage(fault.kind, index);
        entry.status = response.status;
        return response;
      }
      case 'hang':
        await untilAborted(request.signal);
        return new Response(null, { status: 499 });
      case 'reset':
        if (env.incoming) env.incoming.socket.destroy();
        else if (env.outcome) env.outcome.reset = true;
        return new Response(null, { status: 499 });
      case 'slow':
        // A proxy's or a loaded server's delay, on top of WHMCS's time.
        await options.sleep(fault.delayMs ?? 1000, request.signal);
        since = performance.now();
        break;
      default:
        break;
    }

    await wait(options.latency.perCallMs);
    const { outcome, format } = answer(deps, ip, params);
    const encoded = encodeResult(format, outcome.result, {
      versionText: VERSION_TEXT[options.version],
      action: action ?? '',
    });
    if (outcome.rows !== undefined) {
      const { perRowMs, perSkippedRowMs } = options.latency;
      await wait(perRowMs * outcome.rows + perSkippedRowMs * (outcome.skipped ?? 0));
    }

    // WHMCS 5 answered every error with HTTP 200.
    const status = options.version === 5 ? 200 : outcome.status;
    let body = encoded.body;
    if (fault?.kind === 'truncated') body = body.subarray(0, Math.floor(body.length / 2));
    if (fault?.kind === 'invalid-utf8') body = corruptUtf8(body);
    entry.status = status;
    if (outcome.error !== undefined) entry.error = outcome.error;
    if (outcome.rows !== undefined) entry.rows = outcome.rows;
    return new Response(body, { status, headers: { 'Content-Type': encoded.contentType } });
  });

  // The web server answers every other path; the log still records the request.
  app.notFound((c) => {
    const env = c.env ?? {};
    const socketIp = env.incoming?.socket.remoteAddress;
    log.push({
      at: options.now(),
      ip: normalizeIp(socketIp ?? env.clientIp ?? options.clientIp),
      method: c.req.method,
      action: null,
      params: redactParams(Object.fromEntries(new URL(c.req.url).searchParams)),
      status: 404,
    });
    return notFoundPage(new URL(c.req.url).pathname);
  });
  return app;
}

function answer(
  deps: AppDeps,
  ip: string,
  params: Record<string, string>,
): { outcome: ActionOutcome; format: ResponseFormat } {
  const { options } = deps;
  const asked = requestedFormat(params);
  const error = (message: string, status: number): ActionOutcome => ({
    status,
    result: errorResult(message),
    error: message,
  });
  const admission = admit(ip, params, options, deps.bans, options.now().getTime());
  // Errors raised before an action runs come back as NVP text unless a format was asked for.
  if (!admission.ok) return { outcome: error(admission.message, admission.status), format: asked ?? 'nvp' };
  const run = ACTIONS[admission.action];
  if (!run && WHMCS_ACTIONS.has(admission.action)) {
    // WHMCS has it; the simulator does not: an error from inside the action, recognisably ours.
    return { outcome: error(notSimulatedMessage(admission.action), 200), format: asked ?? 'xml' };
  }
  if (!run) {
    const outcome =
      options.version === 8
        ? error(WHMCS_MESSAGES.invalidAction(admission.action), 403)
        : // WHMCS before 8.7 had no such check: the dispatcher found no command file.
          error('Command Not Found', 200);
    return { outcome, format: asked ?? 'nvp' };
  }
  return { outcome: run(deps.actions, params), format: asked ?? 'xml' };
}
