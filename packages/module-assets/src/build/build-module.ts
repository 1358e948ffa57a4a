import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { zipSync } from 'fflate';
import { build } from 'vite';
import { mockups } from '../mockups.ts';
import { MODULE_NAME, MODULE_TITLE } from '../module/operations.ts';
import { renderPhpOperations } from '../module/php-source.ts';
import { guideData } from '../ui/guide-data.ts';
import { logoPng } from './logo.ts';
import { DIST, MODULE_DIR, MODULE_ZIP, moduleIsStale, PACKAGE_ROOT, PHP_DIR, walk } from './paths.ts';

/*
 * `pnpm build`: the addon an operator uploads. dist/modules/addons/commitment_forecaster/ holds
 * the PHP shell (php/), the generated operation list, the UI bundle, whmcs.json and a logo, and
 * dist/commitment_forecaster-<version>.zip holds that folder under modules/addons/, ready to be
 * unpacked at the WHMCS root.
 */

export { MODULE_DIR, MODULE_ZIP } from './paths.ts';

const UI_ENTRY = join(PACKAGE_ROOT, 'src', 'ui', 'main.tsx');

export interface BuiltModule {
  dir: string;
  zip: string;
  /** Bytes of app.js and app.css, minified (and gzipped, as a browser fetches them). */
  bundle: { js: number; css: number; jsGzip: number; cssGzip: number };
}

/** The `whmcs.json` WHMCS's Apps & Integrations reads. */
export function whmcsJson(): Record<string, unknown> {
  return {
    schema: '1.0',
    type: 'whmcs-addons',
    name: MODULE_NAME,
    license: 'MIT',
    category: 'finance',
    description: {
      name: MODULE_TITLE,
      tagline: 'Revenue, receivables, forecasts and commitments from every WHMCS, inside WHMCS.',
      long: 'Shows what the Forecaster Bridge syncs from every connected WHMCS: revenue by month, currency and source, invoices, receivables, a forecast and commitments, with the connection check and sync of each source. The bridge token stays on the server.',
      features: [
        'Revenue invoiced, collected, outstanding and refunded, per currency and source',
        'Connection checks stage by stage, with the fix for every failure',
        'CSV export of every table',
        'A dashboard widget and daily alerts as WHMCS notifications',
      ],
    },
    logo: { filename: 'logo.png' },
    // No support or homepage URL: there is no public site; the docs come with each bridge (/docs).
    authors: [{ name: 'Forecaster Bridge' }],
  };
}

/**
 * Builds the addon folder and its zip.
 *
 * @example
 * const { zip, bundle } = await buildModule();
 */
export async function buildModule(options: { quiet?: boolean } = {}): Promise<BuiltModule> {
  rmSync(join(DIST, 'modules'), { recursive: true, force: true });
  for (const name of existsSync(DIST) ? readdirSync(DIST) : []) {
    if (name.endsWith('.zip')) rmSync(join(DIST, name));
  }
  mkdirSync(MODULE_DIR, { recursive: true });
  cpSync(PHP_DIR, MODULE_DIR, { recursive: true });
  writeFileSync(join(MODULE_DIR, 'lib', 'operations.php'), renderPhpOperations());
  writeFileSync(join(MODULE_DIR, 'whmcs.json'), `${JSON.stringify(whmcsJson(), null, 2)}\n`);
  writeFileSync(join(MODULE_DIR, 'logo.png'), logoPng());
  mkdirSync(join(MODULE_DIR, 'mockups'));
  for (const [id, mockup] of Object.entries(mockups))
    writeFileSync(join(MODULE_DIR, 'mockups', `${id}.svg`), mockup.svg);
  await buildUi(MODULE_DIR, options.quiet ?? false);

  const files: Record<string, Uint8Array> = {};
  for (const file of walk(MODULE_DIR)) {
    files[`modules/addons/${MODULE_NAME}/${relative(MODULE_DIR, file).split('\\').join('/')}`] =
      readFileSync(file);
  }
  writeFileSync(MODULE_ZIP, zipSync(files, { level: 9, mtime: new Date('2026-01-01T00:00:00Z') }));
  const size = (name: string) => statSync(join(MODULE_DIR, name)).size;
  const gzip = async (name: string) => {
    const { gzipSync } = await import('node:zlib');
    return gzipSync(readFileSync(join(MODULE_DIR, name))).length;
  };
  return {
    dir: MODULE_DIR,
    zip: MODULE_ZIP,
    bundle: {
      js: size('app.js'),
      css: size('app.css'),
      jsGzip: await gzip('app.js'),
      cssGzip: await gzip('app.css'),
    },
  };
}

/** The UI bundle alone (app.js, app.css) into `outDir`: one IIFE, no chunks, no inline script. */
export async function buildUi(outDir: string, quiet = true): Promise<void> {
  await build({
    configFile: false,
    root: dirname(UI_ENTRY),
    logLevel: quiet ? 'error' : 'warn',
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    plugins: [guidePlugin()],
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2020',
      minify: true,
      sourcemap: false,
      copyPublicDir: false,
      reportCompressedSize: false,
      lib: {
        entry: UI_ENTRY,
        formats: ['iife'],
        name: 'CommitmentForecaster',
        fileName: () => 'app.js',
        cssFileName: 'app',
      },
    },
  });
}

const GUIDE_MODULE = 'virtual:forecaster-guide';

/** The setup guide as plain data for the bundle, computed here so its schemas stay out of it. */
function guidePlugin() {
  return {
    name: 'forecaster-guide',
    resolveId: (id: string) => (id === GUIDE_MODULE ? `\0${GUIDE_MODULE}` : undefined),
    load: (id: string) =>
      id === `\0${GUIDE_MODULE}` ? `export default ${JSON.stringify(guideData())};` : undefined,
  };
}

/** Builds the module unless an up-to-date build is there (for tests and the preview). */
export async function ensureModuleBuilt(): Promise<string> {
  if (moduleIsStale()) await buildModule({ quiet: true });
  return MODULE_DIR;
}
