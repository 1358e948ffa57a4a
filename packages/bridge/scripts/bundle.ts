// Bundles the CLI into one ES module that runs with plain `node dist/forecaster-bridge.mjs`.
// The build, the CLI tests and the benchmarks all bundle through `bundleCli`, so that what is
// tested and measured is built exactly as what ships.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { CLI_NAME } from '../src/cli/name.ts';

const PACKAGE = join(import.meta.dirname, '..');

/** Where `pnpm build` writes the CLI (the package's `bin`). */
export const CLI_BUNDLE = join(PACKAGE, 'dist', `${CLI_NAME}.mjs`);

/**
 * Writes the bundled CLI to `outfile`. better-sqlite3 is a native addon and stays a runtime
 * dependency; pino-pretty is loaded by pino at run time, so it stays external too. pg is bundled
 * (plain JavaScript); its optional libpq binding, pg-native, is only loaded on request
 * (NODE_PG_FORCE_NATIVE), which the bridge never makes.
 */
export async function bundleCli(outfile: string = CLI_BUNDLE): Promise<string> {
  await build({
    entryPoints: [join(PACKAGE, 'src/cli/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: true,
    legalComments: 'linked',
    external: ['better-sqlite3', 'pino-pretty', 'pg-native'],
    banner: {
      // Bundled CommonJS dependencies call require(); give them one.
      js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  chmodSync(outfile, 0o755);
  return outfile;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(`built ${await bundleCli()}`);
}
