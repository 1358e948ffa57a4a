/*
 * A process that serves simulated WHMCS installs for the benchmark, so that neither the
 * simulator's CPU nor its memory is counted against the bridge. Driven over IPC by
 * `SimHost` (children.ts): start a simulator, read its GetInvoices log, clear it, close.
 */
import { type ServedSimulator, serveWhmcsSimulator } from '@forecaster/whmcs-sim';
import type { SimCommand, SimReply } from './children.ts';

const served = new Map<string, ServedSimulator>();

async function handle(command: SimCommand): Promise<SimReply['result']> {
  switch (command.op) {
    case 'start': {
      const { key, invoices, latency, secret } = command;
      const sim = await serveWhmcsSimulator({
        invoices,
        clients: Math.max(50, Math.round(invoices / 200)),
        seed: 7,
        latency,
        credentials: [{ identifier: 'bench', secret, actions: ['GetInvoices'] }],
        allowlist: ['127.0.0.1'],
      });
      served.set(key, sim);
      let visible = 0;
      for (const _ of sim.sim.visibleInvoices()) visible++;
      return { url: sim.url, visible };
    }
    case 'calls': {
      const sim = served.get(command.key)!.sim;
      const calls: Array<[rows: number, skipped: number]> = [];
      for (const entry of sim.requests) {
        if (entry.action !== 'getinvoices' || entry.rows === undefined) continue;
        calls.push([entry.rows, Number(entry.params.limitstart ?? 0) || 0]);
      }
      return { calls, requests: sim.requests.length };
    }
    case 'clear':
      served.get(command.key)!.sim.clearRequests();
      return {};
    case 'close':
      await served.get(command.key)?.close();
      served.delete(command.key);
      return {};
  }
}

process.on('message', (message: { id: number; command: SimCommand }) => {
  handle(message.command).then(
    (result) => process.send!({ id: message.id, result } satisfies SimReply),
    (err: unknown) => process.send!({ id: message.id, error: String(err) } satisfies SimReply),
  );
});
process.on('disconnect', () => process.exit(0));
process.send!({ id: 0, result: { ready: true } } satisfies SimReply);
