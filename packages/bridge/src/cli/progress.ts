import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { SyncRunResult } from '../store/types.ts';
import type { SyncEngine } from '../sync/engine.ts';
import type { SyncProgress } from '../sync/types.ts';

/**
 * Progress bars for syncs, one per source: invoices and pages done against WHMCS's
 * estimate. Without a terminal, a line per source every few seconds instead.
 */
export function showSyncProgress(
  engine: SyncEngine,
  stream: NodeJS.WriteStream = process.stderr,
): () => void {
  const tty = Boolean(stream.isTTY);
  const bars = new Map<string, SingleBar>();
  const lastLine = new Map<string, number>();
  const multi = tty
    ? new MultiBar(
        {
          stream,
          format:
            ' {source} |{bar}| {percentage}% | {value}/{total} invoices | {pages} pages | {phase} | {eta_formatted}',
          hideCursor: true,
          clearOnComplete: false,
          stopOnComplete: false,
          etaBuffer: 50,
        },
        Presets.shades_classic,
      )
    : undefined;

  const onProgress = (p: SyncProgress) => {
    const total = Math.max(p.rowsExpected ?? p.rowsDone, p.rowsDone, 1);
    const payload = { source: p.sourceId.padEnd(10), pages: p.pagesDone, phase: `${p.mode}:${p.phase}` };
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
      `${p.sourceId}: ${p.mode} sync, ${p.rowsDone}/${p.rowsExpected ?? '?'} invoices${pct}, ${p.pagesDone} pages\n`,
    );
  };
  const onFinished = (run: SyncRunResult, sourceId: string) => {
    const bar = bars.get(sourceId);
    if (bar && run.result === 'ok') bar.update(bar.getTotal());
  };
  engine.on('progress', onProgress);
  engine.on('finished', onFinished);
  return () => {
    engine.off('progress', onProgress);
    engine.off('finished', onFinished);
    multi?.stop();
  };
}

/** A summary table of finished runs. */
export function formatRunSummary(runs: Array<{ source: string; run: SyncRunResult }>): string {
  const header = ['source', 'mode', 'result', 'time', 'read', 'new', 'changed', 'removed', 'calls'];
  const rows = runs.map(({ source, run }) => [
    source,
    run.mode,
    run.result === 'ok' ? 'ok' : `${run.result}${run.error ? ` (${run.error.code})` : ''}`,
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
  return [line(header), ...rows.map(line)].join('\n') + errors.join('');
}
