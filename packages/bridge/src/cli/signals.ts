import { announce } from './progress.ts';
import { restoreTerminal } from './terminal.ts';

/** What stopping means, said on the first signal: e.g. what the next start will do. */
export interface StopOptions {
  /** The line printed when a signal arrives, after `SIGINT: `. */
  message: string;
  /** Stops everything; resolves with the exit status. */
  close: () => Promise<number>;
  stream?: NodeJS.WritableStream;
}

/**
 * Installs SIGINT and SIGTERM handlers at once, before any work starts, so that a signal at any
 * phase (starting, the first sync, serving) stops gracefully: the first signal closes and exits
 * with `close`'s status, a second one exits at once (130), with the terminal restored either way.
 */
export function stopOnSignal(options: StopOptions): void {
  const stream = options.stream ?? process.stderr;
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      restoreTerminal();
      stream.write(`\n${signal} again: exiting at once\n`);
      process.exit(130);
    }
    closing = true;
    announce(`\n${signal}: ${options.message}\n`, stream);
    options.close().then(
      (status) => process.exit(status),
      (err) => {
        restoreTerminal();
        stream.write(`error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
