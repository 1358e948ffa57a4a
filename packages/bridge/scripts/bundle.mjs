#!/usr/bin/env node
// Bundles the bridge CLI into one ES module that runs with plain `node dist/bridge.mjs`.
// better-sqlite3 is a native addon and stays a runtime dependency; pino-pretty is loaded
// by pino at run time, so it stays external too.
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/bridge.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  legalComments: 'linked',
  external: ['better-sqlite3', 'pino-pretty'],
  banner: {
    // Bundled CommonJS dependencies call require(); give them one.
    js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
chmodSync('dist/bridge.mjs', 0o755);
console.log('built dist/bridge.mjs');
