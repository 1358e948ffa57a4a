import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { NODE_FLAGS } from '../scripts/bundle.ts';

/**
 * Runs test/`child` in a Node process started with the bridge's own heap flags (the unit, the
 * Dockerfile and the launcher use them), and answers its exit code and output.
 */
export async function runWithShippedHeap(
  child: string,
  args: string[],
): Promise<{ code: number | null; out: string }> {
  const process_ = spawn(
    process.execPath,
    [...NODE_FLAGS, '--import', 'tsx', join(import.meta.dirname, child), ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  process_.stdout.on('data', (d) => (out += d));
  process_.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => process_.on('exit', resolve));
  return { code, out };
}

/** The JSON the child printed last. */
export const lastJson = <T>(out: string): T => JSON.parse(out.trim().split('\n').at(-1)!) as T;
