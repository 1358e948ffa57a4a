import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { SOURCE_STATES } from './sync/source-state.ts';

/**
 * The bridge's Prometheus metrics, on a registry of its own (so that several apps can live
 * in one process, as in tests). Served as text at `GET /metrics`.
 */
export interface Metrics {
  registry: Registry;
  syncDuration: Histogram<'source' | 'mode' | 'result'>;
  syncRows: Counter<'source' | 'mode' | 'kind'>;
  sourceState: Gauge<'source' | 'state'>;
  whmcsCalls: Counter<'source' | 'action' | 'outcome'>;
  whmcsLatency: Histogram<'source' | 'action'>;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpLatency: Histogram<'method' | 'route'>;
  /** Where `bridge_source_state` reads each source's state from, at every scrape. */
  reportSourceStates(read: () => Promise<Array<{ source: string; state: string }>>): void;
}

export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'bridge_' });
  const registers = [registry];
  let readStates: (() => Promise<Array<{ source: string; state: string }>>) | undefined;
  return {
    registry,
    syncDuration: new Histogram({
      name: 'bridge_sync_duration_seconds',
      help: 'Duration of sync runs, by source, mode and result (ok, failed, aborted)',
      labelNames: ['source', 'mode', 'result'],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
      registers,
    }),
    syncRows: new Counter({
      name: 'bridge_sync_rows_total',
      help: 'Invoices written by syncs, by kind (inserted, updated, unchanged, removed, quarantined)',
      labelNames: ['source', 'mode', 'kind'],
      registers,
    }),
    sourceState: new Gauge({
      name: 'bridge_source_state',
      help: `1 for the state each source is in, 0 for the others (${SOURCE_STATES.join(', ')})`,
      labelNames: ['source', 'state'],
      registers,
      // One series per source and state, read at the scrape: a state set only on transitions
      // would miss what the store says (a source synced before this process started is ok).
      async collect() {
        if (!readStates) return;
        const states = await readStates();
        this.reset();
        for (const { source, state } of states) {
          for (const name of SOURCE_STATES) this.set({ source, state: name }, name === state ? 1 : 0);
        }
      },
    }),
    whmcsCalls: new Counter({
      name: 'bridge_whmcs_calls_total',
      help: 'WHMCS API calls, by outcome: ok or the WhmcsError code',
      labelNames: ['source', 'action', 'outcome'],
      registers,
    }),
    whmcsLatency: new Histogram({
      name: 'bridge_whmcs_call_duration_seconds',
      help: 'Latency of WHMCS API calls',
      labelNames: ['source', 'action'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    httpRequests: new Counter({
      name: 'bridge_http_requests_total',
      help: 'Requests to the bridge API, by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpLatency: new Histogram({
      name: 'bridge_http_request_duration_seconds',
      help: 'Latency of requests to the bridge API',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    reportSourceStates(read) {
      readStates = read;
    },
  };
}
