// Bundles the CLI into one ES module that runs with plain `node dist/forecaster-bridge.mjs`.
// The build, the CLI tests and the benchmarks all bundle through `bundleCli`, so that what is
// tested and measured is built exactly as what ships.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { CLI_NAME } from '../src/cli/name.ts';

const PACKAGE = join(import.meta.dirname, '..');

/** Where `pnpm build` writes the CLI (the package's `bin`). */
export const CLI_BUNDLE = join(PACKAGE, 'dist', `${CLI_NAME}.mjs`);

/**
 * The CLI with the demo (`pnpm start` in a checkout), for the tests that run the demo as a
 * separate process; never shipped. Under node_modules, so that it finds better-sqlite3.
 */
export const DEMO_BUNDLE = join(PACKAGE, 'node_modules', '.cache', 'demo-cli', `${CLI_NAME}.mjs`);

/** The shipped CLI, and the checkout's CLI that adds the demo (and with it the WHMCS simulator). */
export const CLI_ENTRIES = {
  shipped: join(PACKAGE, 'src/cli/main.ts'),
  demo: join(PACKAGE, 'src/cli/dev-main.ts'),
} as const;

/** The files a bundle of `entry` is built from, relative to the repository root. */
export async function bundleInputs(entry: keyof typeof CLI_ENTRIES): Promise<string[]> {
  const result = await build({
    ...options(entry),
    write: false,
    outfile: join(PACKAGE, 'dist', 'inputs.mjs'),
    metafile: true,
  });
  return Object.keys(result.metafile.inputs);
}

/**
 * Writes the bundled CLI to `outfile`: the shipped one, or with the demo. better-sqlite3 is a
 * native addon and stays a runtime dependency; pino-pretty is loaded by pino at run time, so it
 * stays external too: they are the package's only `dependencies`. pg is bundled (plain
 * JavaScript).
 */
export async function bundleCli(
  outfile: string = CLI_BUNDLE,
  entry: keyof typeof CLI_ENTRIES = 'shipped',
): Promise<string> {
  await build({ ...options(entry), outfile });
  chmodSync(outfile, 0o755);
  return outfile;
}

/** What is left out of the bundle: what `dependencies` must hold. */
export const EXTERNAL = ['better-sqlite3', 'pino-pretty'];

/**
 * Left out and never installed: pg's optional libpq binding is only loaded on request
 * (NODE_PG_FORCE_NATIVE), which the bridge never makes.
 */
const NEVER_LOADED = ['pg-native'];

/**
 * Node's flags wherever the bridge is started: this bundle's own launcher line (below), the
 * Dockerfile's CMD and the systemd unit's ExecStart (test/runtime-flags.test.ts keeps them the
 * same). A small young generation makes V8 collect before garbage piles up, and the old space is
 * capped at 96 MB. Semi-spaces of 4 MB since 7 December (2 before): once a sync allocated a third
 * as much (a GetInvoices row no longer checked in full, amounts and dates read without regexes),
 * a full sync of a million invoices under 4 MB, with SQLite's page cache at 8 MiB, peaked at
 * 145-147 MB RSS and took 1.10-1.40x (median 1.14x) the time of the same sync with Node's
 * defaults in five rounds, against 148-156 MB and 1.15-1.38x (median 1.23x) under 2 MB. The
 * forecast fits since it reads the store's columns (typed arrays, outside the heap): over
 * 1,023,441 invoices its heap held 24 MB after each run under this cap (BENCHMARKS.md, 4b).
 */
export const NODE_FLAGS = ['--max-semi-space-size=4', '--max-old-space-size=96'];

function options(entry: keyof typeof CLI_ENTRIES): BuildOptions {
  return {
    entryPoints: [CLI_ENTRIES[entry]],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: true,
    legalComments: 'linked',
    external: [...EXTERNAL, ...NEVER_LOADED],
    banner: {
      // Bundled CommonJS dependencies call require(); give them one.
      js: `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);`,
    },
    logLevel: 'warning',
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`built ${await bundleCli()}`);
}
