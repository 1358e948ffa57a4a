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
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { build } from 'vite';
import { MODULE_NAME, MODULE_TITLE, MODULE_VERSION } from '../module/operations.ts';
import { renderPhpOperations } from '../module/php-source.ts';
import { logoPng } from './logo.ts';

/*
 * `pnpm build`: the addon an operator uploads. dist/modules/addons/commitment_forecaster/ holds
 * the PHP shell (php/), the generated operation list, the UI bundle, whmcs.json and a logo, and
 * dist/commitment_forecaster-<version>.zip holds that folder under modules/addons/, ready to be
 * unpacked at the WHMCS root.
 */

export const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DIST = join(PACKAGE_ROOT, 'dist');
/** The built addon folder. */
export const MODULE_DIR = join(DIST, 'modules', 'addons', MODULE_NAME);
/** The zip an operator uploads. */
export const MODULE_ZIP = join(DIST, `${MODULE_NAME}-${MODULE_VERSION}.zip`);
const PHP_DIR = join(PACKAGE_ROOT, 'php');
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
    support: { docs_url: 'https://forecaster-bridge.dev/module' },
    authors: [{ name: 'Forecaster Bridge', homepage: 'https://forecaster-bridge.dev' }],
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

function* walk(dir: string): Generator<string> {
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

/** Builds the module unless an up-to-date build is there (for tests and the preview). */
export async function ensureModuleBuilt(): Promise<string> {
  if (moduleIsStale()) await buildModule({ quiet: true });
  return MODULE_DIR;
}
