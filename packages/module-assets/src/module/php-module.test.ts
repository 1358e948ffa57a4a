import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { Engine } from 'php-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureModuleBuilt, MODULE_DIR, MODULE_ZIP } from '../build/build-module.ts';
import { phpAvailable } from '../testing/whmcs-harness.ts';
import { MODULE_NAME, MODULE_VERSION, operation, operations } from './operations.ts';
import { resolveCall } from './resolve-call.ts';

/*
 * The built addon's PHP: it lints on this machine's PHP (8.2) with every deprecation shown, parses
 * as PHP 7.2 (the oldest PHP WHMCS 8 runs on), calls no function newer than 7.2, and its proxy
 * checks parameters exactly as the TypeScript stand-in does.
 */

const HARNESS_DIR = fileURLToPath(new URL('../testing/whmcs/', import.meta.url));
const php = process.env.PHP_BINARY ?? 'php';

function phpFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return phpFiles(path);
    return name.endsWith('.php') ? [path] : [];
  });
}

const php72 = new Engine({
  parser: { version: '7.2', php7: true, suppressErrors: false, extractDoc: false },
  ast: { withPositions: true },
});

// Functions the module might reach for that PHP 7.2 does not have.
const NEWER_FUNCTIONS = [
  'str_contains',
  'str_starts_with',
  'str_ends_with',
  'array_key_first',
  'array_key_last',
  'array_is_list',
  'get_debug_type',
  'fdiv',
  'is_countable',
  'mb_str_split',
  'utf8_encode',
  'utf8_decode',
];

let files: string[] = [];
beforeAll(async () => {
  const missing = phpAvailable();
  if (missing) throw new Error(missing);
  await ensureModuleBuilt();
  files = [...phpFiles(MODULE_DIR), ...phpFiles(HARNESS_DIR)];
}, 120_000);

describe('the addon PHP', () => {
  it('has the files WHMCS expects', () => {
    const names = files.map((f) => f.slice(MODULE_DIR.length + 1));
    for (const name of [
      `${MODULE_NAME}.php`,
      'hooks.php',
      'lang/english.php',
      'lib/operations.php',
      'lib/proxy.php',
    ]) {
      expect(names).toContain(name);
    }
  });

  it('passes `php -l` with every deprecation reported', () => {
    for (const file of files) {
      const result = spawnSync(php, ['-d', 'error_reporting=-1', '-d', 'display_errors=1', '-l', file], {
        encoding: 'utf8',
      });
      expect(result.status, `${file}: ${result.stdout}${result.stderr}`).toBe(0);
      expect(result.stdout + result.stderr, file).not.toMatch(/Deprecated|Warning/);
    }
  }, 60_000);

  it('parses as PHP 7.2', () => {
    for (const file of files) {
      expect(() => php72.parseCode(readFileSync(file, 'utf8'), file), file).not.toThrow();
    }
  });

  it('the 7.2 check refuses newer syntax (so passing it means something)', () => {
    for (const code of ['$f = fn($x) => $x;', '$a ??= 1;', 'class A { public int $x; }', '$a?->b();']) {
      expect(() => php72.parseCode(`<?php ${code}`, 'newer.php'), code).toThrow();
    }
  });

  it('calls no function newer than PHP 7.2', () => {
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      for (const fn of NEWER_FUNCTIONS) {
        expect(new RegExp(`\\b${fn}\\s*\\(`).test(source), `${file} calls ${fn}()`).toBe(false);
      }
    }
  });

  it('every file refuses to run outside WHMCS', () => {
    for (const file of phpFiles(MODULE_DIR)) {
      const result = spawnSync(php, [file], { encoding: 'utf8' });
      expect(result.stdout, file).toBe('This file cannot be accessed directly');
    }
  }, 60_000);
});

describe('the operation list in PHP', () => {
  // Inputs as they reach the proxy, after decoding; each is run through both proxies.
  const cases: Array<[string, Record<string, string>]> = [
    ['sources', {}],
    ['source', { id: 'eu' }],
    ['source', {}],
    ['source', { id: 'EU!' }],
    ['syncStart', { id: 'us', mode: 'full' }],
    ['syncStart', { id: 'us', mode: 'everything' }],
    ['syncStart', { id: 'us' }],
    ['invoices', { source: 'eu,us', status: 'paid,unpaid', limit: '50', issuedFrom: '2025-01-01' }],
    ['invoices', { clientId: '1<2' }],
    ['invoices', { cursor: 'abc_-DEF', ignored: 'x' }],
    ['invoices', { source: Array.from({ length: 101 }, () => 'eu').join(',') }],
    ['invoices', { currency: 'EUR,' }],
    ['revenue', { from: '2025-13', to: '2025-12' }],
    ['revenue', { from: '2025-01', to: '2025-12', bySource: 'true', source: 'a b' }],
    ['check', { id: 'o\'brien"&<x>' }],
    [
      'commitmentCreate',
      {
        idempotencyKey: 'k-0123456789abcdef',
        body: '{"title":"Rack <b>&amp;</b> power","notice":{"value":3,"unit":"month"},"amount":"1200.00","notes":null,"meta":{},"admin":true}',
      },
    ],
    ['commitmentUpdate', { id: 'cm_abcdefgh12', ifMatch: '"3"', body: '{"notice":{}}' }],
    ['commitmentUpdate', { id: 'cm_abcdefgh12', ifMatch: '3', body: '{}' }],
    ['commitmentUpdate', { id: 'cm_abcdefgh12', ifMatch: '"3"', body: '[1,2]' }],
    ['counterpartyCreate', { body: '{"name":' }],
    ['counterpartyDelete', { id: 'cp_abcdefgh12', ifMatch: '"1"', body: '{"name":"x"}' }],
    ['costEntryRestore', { id: 'ce_abcdefgh12', ifMatch: '"2"' }],
    ['costEntryCreate', { idempotencyKey: 'short', body: '{"net":"1.00"}' }],
    [
      'alertSettingsUpdate',
      {
        ifMatch: '"0"',
        body: '{"noticeDays":30,"cash":{"months":12,"reportingCurrency":null,"thresholds":[]}}',
      },
    ],
  ];

  it('is the same list, and checks parameters exactly as the TypeScript side does', async () => {
    await ensureModuleBuilt();
    const script = `
      define('WHMCS', true);
      $dir = ${JSON.stringify(MODULE_DIR)};
      require $dir . '/lib/operations.php';
      require $dir . '/lib/settings.php';
      require $dir . '/lib/proxy.php';
      $cases = json_decode(stream_get_contents(STDIN), true);
      $out = array('version' => \\CommitmentForecaster\\MODULE_VERSION, 'ops' => array_keys(\\CommitmentForecaster\\operations()), 'results' => array());
      foreach ($cases as $case) {
        $ops = \\CommitmentForecaster\\operations();
        $out['results'][] = \\CommitmentForecaster\\resolve_call($ops[$case[0]], $case[1]);
      }
      echo json_encode($out, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    `;
    const result = spawnSync(php, ['-d', 'error_reporting=-1', '-r', script], {
      input: JSON.stringify(cases),
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    const fromPhp = JSON.parse(result.stdout);
    expect(fromPhp.version).toBe(MODULE_VERSION);
    expect(fromPhp.ops).toEqual(operations.map((o) => o.op));
    const fromTs = cases.map(([op, input]) => {
      const call = resolveCall(operation(op)!, input);
      // PHP's JSON has no tuples: its errors are [status, body] arrays, as here.
      const asPhp = (o: Record<string, unknown> | null) => (o && Object.keys(o).length === 0 ? [] : o);
      return call.ok ? { ...call, body: asPhp(call.body), headers: asPhp(call.headers) } : call;
    });
    expect(fromPhp.results).toEqual(fromTs);
    expect(fromTs.filter((r) => r.ok)).toHaveLength(11);
  }, 60_000);
});

describe('the package', () => {
  it('is a zip named with the version, holding the folder under modules/addons/', () => {
    expect(MODULE_ZIP.endsWith(`${MODULE_NAME}-${MODULE_VERSION}.zip`)).toBe(true);
    const entries = Object.keys(unzipSync(readFileSync(MODULE_ZIP)));
    const prefix = `modules/addons/${MODULE_NAME}/`;
    expect(entries.every((e) => e.startsWith(prefix))).toBe(true);
    for (const file of [
      'commitment_forecaster.php',
      'hooks.php',
      'app.js',
      'app.css',
      'whmcs.json',
      'logo.png',
      'lib/operations.php',
    ]) {
      expect(entries).toContain(prefix + file);
    }
  });

  it('ships a whmcs.json for Apps & Integrations and a PNG logo', () => {
    const meta = JSON.parse(readFileSync(join(MODULE_DIR, 'whmcs.json'), 'utf8'));
    expect(meta).toMatchObject({ type: 'whmcs-addons', name: MODULE_NAME, logo: { filename: 'logo.png' } });
    expect(readFileSync(join(MODULE_DIR, 'logo.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('its bundle references nothing outside itself and evaluates no strings', () => {
    const js = readFileSync(join(MODULE_DIR, 'app.js'), 'utf8');
    const css = readFileSync(join(MODULE_DIR, 'app.css'), 'utf8');
    // URLs appear as text (the guide's examples, the docs link); loading one is what must not happen,
    // which the browser test watches. Here: no evaluated strings and no module loaded from elsewhere.
    expect(js).not.toMatch(/\beval\(|new Function\(|import\(\s*["'`]https?:|\/\/cdn\./);
    expect(css).not.toMatch(/@import|url\(\s*['"]?https?:/);
  });
});
