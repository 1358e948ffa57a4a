import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODULE_NAME, MODULE_VERSION } from '../module/operations.ts';

/*
 * Where the built addon lives, and whether it is older than its sources. Apart from the build
 * itself so that the preview can find the addon without loading Vite.
 */

export const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DIST = join(PACKAGE_ROOT, 'dist');
/** The built addon folder. */
export const MODULE_DIR = join(DIST, 'modules', 'addons', MODULE_NAME);
/** The zip an operator uploads. */
export const MODULE_ZIP = join(DIST, `${MODULE_NAME}-${MODULE_VERSION}.zip`);
export const PHP_DIR = join(PACKAGE_ROOT, 'php');

export function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** Whether the built folder is missing or older than any source it is built from. */
export function moduleIsStale(): boolean {
  const built = join(MODULE_DIR, 'app.js');
  if (!existsSync(built) || !existsSync(MODULE_ZIP)) return true;
  const builtAt = statSync(built).mtimeMs;
  const sources = [...walk(join(PACKAGE_ROOT, 'src')), ...walk(PHP_DIR)];
  return sources.some((file) => statSync(file).mtimeMs > builtAt);
}
