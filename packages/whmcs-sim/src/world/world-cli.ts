import type { World } from './generate-world.ts';
import { generateWorld } from './generate-world.ts';
import { loadWorldOptions } from './world-options.ts';

/** `--world file.json [--as-of instant]`: the world and a clock frozen at the instant (default: the end of the history). */
export function worldFromCli(file: string, asOf: string | undefined): { world: World; now: () => Date } {
  const world = generateWorld(loadWorldOptions(file));
  const at = asOf === undefined ? new Date(world.end.getTime() - 1000) : new Date(asOf);
  if (Number.isNaN(at.getTime())) throw new RangeError(`--as-of: not an instant: ${asOf}`);
  return { world, now: () => new Date(at) };
}
