import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { SyncRunResult } from '../store/types.ts';
import type { SyncEngine } from '../sync/engine.ts';
import type { SyncProgress } from '../sync/types.ts';
import { alterTerminal, restoreTerminal } from './terminal.ts';

/** The bars of running syncs, and a way to print without drawing across them. */
export interface SyncProgressView {
  /** Prints `text` (whole lines) above the bars while they are drawn, else to `fallback`. */
  log(text: string, fallback?: NodeJS.WritableStream): void;
  /** WHMCS's count of a source's invoices (`totalresults`) as the last page reported it. */
  counted(sourceId: string): number | undefined;
  /** Removes the listeners and stops the bars, restoring the cursor and line wrapping. */
  stop(): void;
}

/** The bars being drawn, if any: what is printed meanwhile must go above them. */
let drawn: SyncProgressView | undefined;

/** Prints a line for the user above the bars while they are drawn (a redraw would erase it). */
export function announce(text: string, stream: NodeJS.WritableStream = process.stderr): void {
  if (drawn) drawn.log(text, stream);
  else stream.write(text);
}

export const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * Progress bars for syncs, one per source: invoices and pages done against WHMCS's count.
 * Without a terminal, a line per source every few seconds instead.
 */
export function showSyncProgress(
  engine: SyncEngine,
  stream: NodeJS.WriteStream = process.stderr,
): SyncProgressView {
  const tty = Boolean(stream.isTTY);
  const bars = new Map<string, SingleBar>();
  const lastLine = new Map<string, number>();
  const counts = new Map<string, number>();
  let stopped = false;
  const multi = tty
    ? new MultiBar(
        {
          stream,
          format:
            ' {source} |{bar}| {percentage}% | {value}/{total} invoices | {pages} | {phase} | {eta_formatted}',
          hideCursor: true,
          clearOnComplete: false,
          stopOnComplete: false,
          etaBuffer: 50,
        },
        Presets.shades_classic,
      )
    : undefined;
  if (multi) alterTerminal(stream);

  const onProgress = (p: SyncProgress) => {
    if (p.rowsExpected !== undefined) counts.set(p.sourceId, p.rowsExpected);
    const total = Math.max(p.rowsExpected ?? p.rowsDone, p.rowsDone, 1);
    const payload = {
      source: p.sourceId.padEnd(10),
      pages: plural(p.pagesDone, 'page'),
      phase: `${p.mode}:${p.phase}`,
    };
    if (multi) {
      let bar = bars.get(p.sourceId);
      if (!bar) {
        bar = multi.create(total, p.rowsDone, payload);
        bars.set(p.sourceId, bar);
      }
      bar.setTotal(total);
      bar.update(p.rowsDone, payload);
      return;
    }
    const now = Date.now();
    if (now - (lastLine.get(p.sourceId) ?? 0) < 2000) return;
    lastLine.set(p.sourceId, now);
    const pct = p.rowsExpected ? ` (${Math.min(100, Math.round((100 * p.rowsDone) / p.rowsExpected))}%)` : '';
    stream.write(
      `${p.sourceId}: ${p.mode} sync, ${p.rowsDone}/${p.rowsExpected ?? '?'} invoices${pct}, ${plural(p.pagesDone, 'page')}\n`,
    );
  };
  const onFinished = (run: SyncRunResult, sourceId: string) => {
    // The bar ends at what was read: WHMCS's count includes invoices it never returns.
    const bar = bars.get(sourceId);
    if (bar && run.result === 'ok') {
      bar.setTotal(Math.max(run.rowsRead, 1));
      bar.update(run.rowsRead);
    }
  };
  engine.on('progress', onProgress);
  engine.on('finished', onFinished);
  const view: SyncProgressView = {
    log(text, fallback = process.stdout) {
      if (multi && !stopped && bars.size > 0) multi.log(text.endsWith('\n') ? text : `${text}\n`);
      else fallback.write(text);
    },
    counted: (sourceId) => counts.get(sourceId),
    stop() {
      if (stopped) return;
      stopped = true;
      engine.off('progress', onProgress);
      engine.off('finished', onFinished);
      if (drawn === view) drawn = undefined;
      if (multi) {
        // Records logged since the last redraw wait in the bars' buffer: print them first.
        multi.update();
        multi.stop();
        restoreTerminal();
      }
    },
  };
  if (multi) drawn = view;
  return view;
}

/** A summary table of finished runs. */
export function formatRunSummary(runs: Array<{ source: string; run: SyncRunResult }>): string {
  const header = ['source', 'mode', 'result', 'time', 'read', 'new', 'changed', 'removed', 'calls'];
  const rows = runs.map(({ source, run }) => [
    source,
    run.mode,
    run.result !== 'ok'
      ? `${run.result}${run.error ? ` (${run.error.code})` : ''}`
      : run.warnings?.length
        ? 'ok with warnings'
        : 'ok',
    `${(run.durationMs / 1000).toFixed(1)}s`,
    String(run.rowsRead),
    String(run.inserted),
    String(run.updated),
    String(run.removed),
    String(run.calls),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const errors = runs
    .filter(({ run }) => run.error)
    .map(
      ({ source, run }) =>
        `\n${source}: ${run.error!.message}${run.error!.hint ? `\n  fix: ${run.error!.hint}` : ''}${run.error!.docsUrl ? `\n  docs: ${run.error!.docsUrl}` : ''}`,
    );
  const warnings = runs.flatMap(({ source, run }) => (run.warnings ?? []).map((w) => `\n${source}: ${w}`));
  return [line(header), ...rows.map(line)].join('\n') + errors.join('') + warnings.join('');
}

/**
 * Why a full sync read fewer invoices than WHMCS counts: GetInvoices's `totalresults` includes
 * invoices of deleted clients, which it never returns. Said where the user sees both numbers.
 */
export function explainUncounted(run: SyncRunResult, counted: number | undefined): string | undefined {
  if (run.mode !== 'full' || run.result !== 'ok' || counted === undefined || counted <= run.rowsRead)
    return undefined;
  const missing = counted - run.rowsRead;
  return `WHMCS counts ${counted.toLocaleString('en-US')} invoices and returned ${run.rowsRead.toLocaleString('en-US')}: the other ${plural(missing, 'belongs', 'belong')} to deleted clients, and WHMCS never returns those (orphans).`;
}
