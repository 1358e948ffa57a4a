import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * True when the module at `moduleUrl` is the program node was started with (tsx, the bundle,
 * a bin link): compared by real path, so that the file's name does not matter.
 */
export function isEntryPoint(moduleUrl: string): boolean {
  const invoked = process.argv[1];
  if (!invoked) return false;
  try {
    return pathToFileURL(realpathSync(invoked)).href === moduleUrl;
  } catch {
    return false;
  }
}
