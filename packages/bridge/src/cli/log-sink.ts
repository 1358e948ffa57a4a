import { Writable } from 'node:stream';
import type { SyncProgressView } from './progress.ts';

/** Where the CLI's log records go: stdout, or above the progress bars while they are drawn. */
export interface LogSink {
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** Routes records above these bars until `direct()`. */
  through(view: SyncProgressView): void;
  direct(): void;
}

export function createLogSink(out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout): LogSink {
  let view: SyncProgressView | undefined;
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        const text = chunk.toString();
        if (view) view.log(text, out);
        else out.write(text);
        done();
      },
    }),
    // The logger picks its format from this: pretty on a terminal, JSON lines otherwise.
    { isTTY: out.isTTY },
  );
  return {
    stream,
    // Bars are drawn on stderr: only when stdout is a terminal too can records cross them.
    through: (v) => {
      if (out.isTTY) view = v;
    },
    direct: () => {
      view = undefined;
    },
  };
}
