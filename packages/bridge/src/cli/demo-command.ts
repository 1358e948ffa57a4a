import { readEnv } from '../config/env.ts';
import { DEMO_STOP_MESSAGE, type Demo, DemoInterrupted, startDemo } from './demo.ts';
import { stopOnSignal } from './signals.ts';

/** The demo, stoppable at every phase: starting, the first sync, serving. */
export async function runDemo(port: number, dataDir: string | undefined): Promise<void> {
  const env = readEnv();
  const stop = new AbortController();
  let started: Promise<Demo> | undefined;
  stopOnSignal({
    message: DEMO_STOP_MESSAGE,
    close: async () => {
      stop.abort();
      const running = await started?.catch(() => undefined);
      await running?.close();
      process.stderr.write('stopped.\n');
      return 0;
    },
  });
  started = startDemo({
    port,
    ...(dataDir ? { dataDir } : {}),
    signal: stop.signal,
    ...(env.BRIDGE_TOKEN ? { token: env.BRIDGE_TOKEN } : {}),
  });
  try {
    await started;
  } catch (err) {
    // Stopped by a signal: the handler finishes the exit.
    if (!(err instanceof DemoInterrupted)) throw err;
  }
}
