import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveWhmcsSimulator } from '@forecaster/whmcs-sim';
import fc from 'fast-check';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changesResponseSchema,
  ERROR_CODES,
  invoiceListResponseSchema,
  invoiceResponseSchema,
  MAX_BODY_BYTES,
  MAX_URL_LENGTH,
  revenueResponseSchema,
  sourceResponseSchema,
  syncAcceptedSchema,
  syncStatusSchema,
} from '../src/api/index.ts';
import type { Bridge } from '../src/bridge.ts';
import { type BridgeConfigFile, ConfigError, loadConfig, sha256 } from '../src/config.ts';
import { GET_INVOICES_ONLY, simSource, TOKEN, tempDir } from './harness.ts';
import {
  AUTH,
  bundleCli,
  openBridge,
  reliabilityConfig,
  removeBundle,
  runCli,
} from './reliability-support.ts';

/*
 * Bad input, generated: every query parameter, path segment and body of the Forecaster API,
 * the configuration file, and `forecaster-bridge check`'s command line. Whatever comes in, the answer is
 * a clear 400 (or 404/413/414 where those mean something), never a 500 or a crash; a bad
 * configuration is a ConfigError naming a key that exists in the input; the CLI exits 2 with a
 * message, never a stack trace. Seeds are fixed for CI; FC_SEED=<n> explores others.
 */

const SEED = Number(process.env.FC_SEED ?? 20_261_129);
const RUNS = { query: 400, path: 250, body: 250, config: 600, cli: 24 };
export const PROPERTY_RUNS = RUNS;

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Percent-encodes every byte of the UTF-8 form (lone surrogates become U+FFFD, as a browser sends). */
const enc = (text: string) =>
  [...Buffer.from(text, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0')}`,
    )
    .join('');

const INTERESTING = [
  '',
  ' ',
  '0',
  '-1',
  '1',
  '1000',
  '1001',
  '1e3',
  '0x10',
  '1.5',
  '99999999999999999999999',
  '9007199254740993',
  'NaN',
  'Infinity',
  'true',
  'false',
  'null',
  'eu',
  'us',
  'EU',
  'eu,us',
  'eu,,',
  ',',
  'paid',
  'unpaid,paid',
  'PAID',
  'EUR',
  '2024-01',
  '2024-13',
  '2024-00',
  '2024-01-01',
  '2024-02-30',
  '0000-00-00',
  '9999-12-31',
  '2024-1-1',
  'Y2hnMS41', // base64url of "chg1.5"
  'Y2hnMS45OTk5OTk5OTk5', // "chg1.9999999999" (ahead of any store)
  'Y2hnMS4wMQ', // "chg1.01"
  'eyJ2IjoxLCJzIjoiZXUiLCJpIjoxLCJmIjoieCJ9', // an invoice cursor with a forged fingerprint
  '%',
  '%zz',
  '\u0000',
  '\uFEFF',
  '💸',
  'é',
  '<script>',
  "' OR 1=1 --",
  '../../etc/passwd',
];

const valueArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...INTERESTING) },
  { weight: 2, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.bigInt().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.base64String({ maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 600, maxLength: 2_000 }) },
  // Past the URL limit once encoded.
  { weight: 1, arbitrary: fc.integer({ min: 3_000, max: 20_000 }).map((n) => 'é'.repeat(n)) },
);

function queryArb(keys: string[]) {
  const key = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...keys) },
    { weight: 1, arbitrary: fc.string() },
  );
  const pairs = fc
    .array(fc.tuple(key, valueArb), { maxLength: 7 })
    .map((list) => list.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&'));
  // Raw text too: what a hand-written URL or a broken client sends.
  const raw = fc
    .array(
      fc.constantFrom(
        ...keys,
        '=',
        '&',
        '&&',
        '==',
        '%',
        '%FF',
        '%C3',
        '%00',
        '%2C',
        '+',
        ';',
        'a',
        '1',
        ',',
      ),
      {
        maxLength: 24,
      },
    )
    .map((parts) => parts.join(''));
  return fc.oneof(pairs, raw);
}

const segmentArb = fc.oneof(
  fc.constantFrom('eu', 'us', 'EU', '1', '0', '-1', '01', '1.0', '9007199254740993', '999999999999999', ''),
  fc.string().map(enc),
  fc.string({ unit: 'binary', maxLength: 20 }).map(enc),
  fc.constantFrom('%', '%zz', '%00', '%2F', '..', '.', '%2e%2e'),
);

// ---------------------------------------------------------------------------------------------
// Checking one answer

/** The query keys as Hono parses them (it decodes a little differently from URLSearchParams). */
const keyProbe = new Hono().get('*', (c) => c.json(Object.keys(c.req.queries())));
async function queryKeys(url: string): Promise<string[]> {
  const res = await keyProbe.request(url);
  return (await res.json()) as string[];
}

interface ErrorEnvelope {
  error: { code: string; message: string; details: unknown; requestId: string };
}

async function expectClear(
  res: Response,
  url: string,
  allowed: number[],
  ok: { status: number; schema: { parse(v: unknown): unknown } },
  params?: string[],
): Promise<void> {
  expect(allowed, `${res.status} for ${url.slice(0, 300)}`).toContain(res.status);
  if (url.length > MAX_URL_LENGTH) expect(res.status).toBe(414);
  const body = (await res.json()) as unknown;
  if (res.status === ok.status) {
    ok.schema.parse(body);
    return;
  }
  const { error } = body as ErrorEnvelope;
  expect(ERROR_CODES).toContain(error.code);
  expect(error.message.length).toBeGreaterThan(5);
  expect(error.requestId).toBe(res.headers.get('x-request-id'));
  if (res.status === 400) {
    expect(error.code).toBe('invalid_request');
    const details = error.details as Array<{ param: string; message: string }>;
    expect(details.length).toBeGreaterThan(0);
    for (const issue of details) {
      expect(issue.message.length).toBeGreaterThan(2);
      // Each issue names something the request really had.
      if (params) expect(params, `${issue.param}: ${issue.message}`).toContain(issue.param);
    }
  }
}

// ---------------------------------------------------------------------------------------------

describe('the Forecaster API with generated input', () => {
  let bridge: Bridge;
  let closeSim: (() => Promise<void>) | undefined;
  const get = (url: string) => bridge.app.request(url, { headers: AUTH });

  beforeAll(async () => {
    // Not simSource/bridgeFor (closed after each test): this bridge serves the whole describe.
    const eu = await serveWhmcsSimulator({ seed: 71, invoices: 120, credentials: GET_INVOICES_ONLY('s-71') });
    closeSim = eu.close;
    const { file, env } = reliabilityConfig(
      [{ id: 'eu', secret: 's-71', timeZone: 'UTC', served: eu }],
      { pageSize: 50 },
      // Thousands of requests a minute here: the rate limit has its own tests.
      { rateLimit: { requestsPerMinute: 1_000_000 } },
    );
    bridge = await openBridge(file, env, { keepOpen: true });
    expect((await bridge.engine.run('eu', 'full')).result).toBe('ok');
  });
  afterAll(async () => {
    await bridge?.close();
    await closeSim?.();
  });

  const endpoints = [
    {
      path: '/v1/invoices',
      keys: [
        'source',
        'status',
        'currency',
        'issuedFrom',
        'issuedTo',
        'dueFrom',
        'dueTo',
        'paidFrom',
        'paidTo',
        'clientId',
        'updatedSince',
        'limit',
        'cursor',
      ],
      schema: invoiceListResponseSchema,
    },
    { path: '/v1/changes', keys: ['since', 'limit', 'source'], schema: changesResponseSchema },
    { path: '/v1/revenue', keys: ['from', 'to', 'source', 'bySource'], schema: revenueResponseSchema },
  ];

  for (const endpoint of endpoints) {
    it(`GET ${endpoint.path}: every query answers 200 or a 400 naming a parameter it had (${RUNS.query} runs)`, async () => {
      const statuses = new Set<number>();
      await fc.assert(
        fc.asyncProperty(queryArb(endpoint.keys), async (query) => {
          const url = `${endpoint.path}?${query}`;
          const res = await get(url);
          statuses.add(res.status);
          await expectClear(
            res,
            url,
            [200, 400, 414],
            { status: 200, schema: endpoint.schema },
            await queryKeys(url),
          );
        }),
        { numRuns: RUNS.query, seed: SEED },
      );
      // The generator reaches both sides.
      expect([...statuses].sort()).toEqual([200, 400, 414]);
    });
  }

  it(`GET /v1/sources/{id} and /v1/sources/{id}/sync: any id answers 200, 400 or 404 (${RUNS.path} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(segmentArb, queryArb(['id', 'mode']), fc.boolean(), async (id, query, sync) => {
        const url = `/v1/sources/${id}${sync ? '/sync' : ''}?${query}`;
        const res = await get(url);
        await expectClear(res, url, [200, 400, 404, 414], {
          status: 200,
          schema: sync ? syncStatusSchema : sourceResponseSchema,
        });
      }),
      { numRuns: RUNS.path, seed: SEED },
    );
  });

  it(`GET /v1/invoices/{source}/{id}: any pair answers 200, 400 or 404 (${RUNS.path} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(segmentArb, segmentArb, async (source, id) => {
        const url = `/v1/invoices/${source}/${id}`;
        const res = await get(url);
        await expectClear(res, url, [200, 400, 404], { status: 200, schema: invoiceResponseSchema }, [
          'source',
          'id',
        ]);
      }),
      { numRuns: RUNS.path, seed: SEED },
    );
  });

  it(`POST /v1/sources/{id}/sync: any body answers 202, 400, 404, 409, 413 or 415 (${RUNS.body} runs)`, async () => {
    const bodyArb = fc.oneof(
      fc.constantFrom(
        '{"mode":"full"}',
        '{"mode":"incremental"}',
        '{}',
        '',
        '{"mode":"FULL"}',
        '{"mode":null}',
      ),
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify({ mode: v })),
      fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }).map((v) => JSON.stringify(v)),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('{', '{"mode":', '[]', 'null', '"full"', '\uFEFF{"mode":"full"}'),
      fc
        .integer({ min: MAX_BODY_BYTES - 10, max: MAX_BODY_BYTES * 3 })
        .map((n) => `{"mode":"${'x'.repeat(n)}"}`),
    );
    const typeArb = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      undefined,
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant('eu'), segmentArb), bodyArb, typeArb, async (id, body, type) => {
        const url = `/v1/sources/${id}/sync`;
        const res = await bridge.app.request(url, {
          method: 'POST',
          body,
          headers: { ...AUTH, ...(type ? { 'Content-Type': type } : {}) },
        });
        // (A `.` or `..` segment is resolved away before routing: /v1/sources/./sync is
        // /v1/sources/sync, which answers GET only: 405 with Allow.)
        await expectClear(res, url, [202, 400, 404, 405, 409, 413, 415], {
          status: 202,
          schema: syncAcceptedSchema,
        });
        if (Buffer.byteLength(body) > MAX_BODY_BYTES) expect(res.status).toBe(413);
      }),
      { numRuns: RUNS.body, seed: SEED },
    );
    // Let the syncs it started finish before the store closes.
    for (let i = 0; i < 200 && bridge.engine.progress('eu'); i++) await new Promise((r) => setTimeout(r, 25));
  });
});

// ---------------------------------------------------------------------------------------------
// The configuration file

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const VALID: BridgeConfigFile = {
  listen: { host: '127.0.0.1', port: 8787 },
  dataDir: './data',
  tokens: [
    { name: 'forecaster', token: { env: 'FORECASTER_TOKEN' } },
    { name: 'hashed', sha256: sha256('another-token-1234').toString('hex') },
  ],
  cors: { origins: ['https://forecaster.example.com'] },
  rateLimit: { requestsPerMinute: 600 },
  log: { level: 'info', format: 'json' },
  docsBaseUrl: 'https://docs.example.com',
  sources: [
    {
      id: 'eu',
      name: 'EU billing',
      url: 'https://billing.example.com/whmcs/',
      credentials: { identifier: 'IDENT', secret: { env: 'WHMCS_SECRET' } },
      accessKey: { env: 'WHMCS_ACCESS_KEY' },
      timeZone: 'Europe/Berlin',
      pageSize: 250,
      concurrency: 2,
      timeoutMs: 30_000,
      sync: { incrementalEvery: '5m', fullEvery: '1d' },
      tls: {},
      allowInsecureHttp: false,
    },
    {
      id: 'us',
      url: 'http://127.0.0.1:8080/',
      credentials: { username: 'admin', password: { file: 'password.txt' } },
    },
  ],
};
const ENV = {
  WHMCS_SECRET: 'whmcs-secret-1234',
  WHMCS_ACCESS_KEY: 'access-key-5678',
  FORECASTER_TOKEN: 'tok-abcdef-long-enough-for-the-rules',
};

/** The paths of every value in `value`, for mutations. */
function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out = [prefix];
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...paths(v, [...prefix, i]));
  } else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function setPath(root: Json, path: Array<string | number>, value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const copy = structuredClone(root) as Record<string | number, Json>;
  let node = copy as Record<string | number, Json>;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (value === undefined) {
    if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

const mutationArb = fc.record({
  /** Which existing path (an index into the list of paths), or a new key under it. */
  at: fc.nat(),
  op: fc.constantFrom('replace', 'delete', 'add-key', 'wrong-type'),
  key: fc.oneof(
    fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'id',
      'url',
      'sources',
      'tokens',
      '',
    ),
    fc.string(),
  ),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
    fc.constantFrom<Json>(
      0,
      -1,
      1e308,
      -0,
      1.5,
      2 ** 53 + 1,
      '',
      ' ',
      'x'.repeat(5000),
      '0s',
      '-5m',
      '1e3s',
      '999999999999d',
      'Mars/Olympus',
      'http://billing.example.com/',
      'ftp://x/',
      'not a url',
      '/etc',
      '.',
      '\u0000',
      [],
      {},
      [null],
      { env: '' },
      { env: 'NOT_SET_ANYWHERE' },
      { file: '/nonexistent/secret' },
      { file: '.' },
      { env: 'X', file: 'y' },
    ),
  ),
});

/** Key text `sources[0].credentials.secret` as path parts. */
function parseKey(key: string): Array<string | number> {
  const parts: Array<string | number> = [];
  for (const m of key.matchAll(/([^.[\]]+)|\[(\d+)\]/g))
    parts.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return parts;
}

/** The key names a place in the input: every part but the last exists (the last may be missing). */
function namesRealPath(input: unknown, key: string): boolean {
  const parts = parseKey(key);
  let node = input as Record<string | number, unknown> | undefined;
  for (const [i, part] of parts.entries()) {
    if (node === null || typeof node !== 'object') return false;
    if (!Object.hasOwn(node, part)) return i === parts.length - 1;
    node = node[part] as Record<string | number, unknown>;
  }
  return true;
}

describe('the configuration file with generated mutations', () => {
  it(`loads, or throws a ConfigError naming a real key of the input (${RUNS.config} runs)`, async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'password.txt'), 'legacy-password\n');
    const file = join(dir, 'bridge.json');
    let loaded = 0;
    let refused = 0;
    const inputArb = fc.oneof(
      { weight: 6, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 4 }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => [{ whole: v as Json }]) },
    );
    await fc.assert(
      fc.asyncProperty(inputArb, async (mutations) => {
        let input = structuredClone(VALID) as unknown as Json;
        for (const m of mutations) {
          if ('whole' in m) {
            input = m.whole;
            continue;
          }
          const all = paths(input);
          const path = all[m.at % all.length]!;
          if (m.op === 'delete') input = path.length ? setPath(input, path, undefined) : {};
          else if (m.op === 'replace') input = setPath(input, path, m.value);
          else if (m.op === 'wrong-type')
            input = setPath(input, path, typeof m.value === 'string' ? 42 : 'text');
          else {
            const target = path.reduce<Json>((n, p) => (n as Record<string, Json>)[p]!, input);
            if (target && typeof target === 'object' && !Array.isArray(target))
              input = setPath(input, [...path, m.key], m.value);
          }
        }
        const text = JSON.stringify(input);
        writeFileSync(file, text);
        try {
          loadConfig({ path: file, env: ENV });
          loaded++;
        } catch (err) {
          refused++;
          expect(err, String((err as Error)?.stack)).toBeInstanceOf(ConfigError);
          const { key, message } = err as ConfigError;
          expect(message.length).toBeGreaterThan(key.length + 5);
          if (key) expect(namesRealPath(JSON.parse(text), key), `${key} in ${text.slice(0, 400)}`).toBe(true);
          // A key-less error is about the whole file: it must say what is wrong with it.
          else
            expect(message).toMatch(
              /nrecognized key|unknown key|expected object|must be an object|JSON|configuration file/i,
            );
        }
      }),
      { numRuns: RUNS.config, seed: SEED },
    );
    // Both outcomes were exercised.
    expect(loaded).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(RUNS.config / 4);
  });
});

// ---------------------------------------------------------------------------------------------
// `forecaster-bridge check` on the command line

describe('`forecaster-bridge check` with generated arguments', () => {
  let bundle: string;
  beforeAll(async () => {
    bundle = await bundleCli();
  }, 60_000);
  afterAll(() => removeBundle(bundle));

  it(`exits 0, 1 or 2 with a clear message, never a stack trace (${RUNS.cli} runs)`, async () => {
    const eu = await simSource('eu', { seed: 72, invoices: 30 });
    const { file, env, dataDir } = reliabilityConfig([eu]);
    const configPath = join(dataDir, 'bridge.json');
    writeFileSync(configPath, JSON.stringify(file));
    const argArb = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom('--source', '-s', '--json', '--config', '-c', 'eu', 'us', '--'),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom('--help', '-h', '--version', '--source=eu', '--json=1', '-sj', '-'),
      },
      { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
      { weight: 1, arbitrary: fc.constantFrom(configPath, '/nonexistent.json', '/etc', dataDir) },
    );
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.array(argArb, { maxLength: 5 }), async (args) => {
        // NUL cannot be passed in an argv: the OS truncates it. Everything else goes.
        const argv = args.map((a) => a.replace(/\0/g, ''));
        const run = runCli(bundle, ['check', ...argv], { ...env, BRIDGE_CONFIG: configPath, NO_COLOR: '1' });
        const code = await run.exit;
        const output = run.out() + run.err();
        expect([0, 1, 2], `${JSON.stringify(argv)}: ${output}`).toContain(code);
        seen.add(code!);
        expect(output, JSON.stringify(argv)).not.toMatch(
          /\n\s+at .+[:(]\d+:\d+\)?|node:internal|Error: .*\n\s+at /,
        );
        expect(output.trim().length, JSON.stringify(argv)).toBeGreaterThan(0);
        if (code === 2) expect(output).toMatch(/error|configuration|✗|invalid|unknown|missing|too many/i);
        expect(output).not.toContain(eu.secret);
        expect(output).not.toContain(TOKEN);
      }),
      { numRuns: RUNS.cli, seed: SEED },
    );
    expect(seen.has(2)).toBe(true);
    expect([...seen].some((c) => c === 0 || c === 1)).toBe(true);
  }, 120_000);
});
