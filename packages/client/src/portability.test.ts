import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { invoiceList, loopbackWhmcs } from './testing/loopback-whmcs.ts';

const SRC = import.meta.dirname;
const shipped = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter(
  (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('testing'),
);

/**
 * The globals every fetch runtime has (browsers, Deno, Bun, Cloudflare Workers): nothing of
 * Node's (`process`, `Buffer`, `setImmediate`, `require`, `global`).
 */
const WEB_GLOBALS = [
  'URL',
  'URLSearchParams',
  'TextEncoder',
  'TextDecoder',
  'AbortController',
  'AbortSignal',
  'Headers',
  'Request',
  'Response',
  'ReadableStream',
  'MessageChannel',
  'setTimeout',
  'clearTimeout',
  'queueMicrotask',
  'structuredClone',
  'atob',
  'FormData',
  'Blob',
  'btoa',
  'console',
] as const;

/** The client as a browser bundle, evaluated in a realm that has only {@link WEB_GLOBALS} and `fetch`. */
async function clientInWebRealm(): Promise<typeof import('./index.ts')> {
  const bundle = await build({
    entryPoints: [join(SRC, 'index.ts')],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    globalName: 'whmcsClient',
    logLevel: 'silent',
  });
  const globals: Record<string, unknown> = Object.fromEntries(
    WEB_GLOBALS.map((name) => [name, (globalThis as Record<string, unknown>)[name]]),
  );
  globals.fetch = (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init);
  const realm = createContext(globals);
  runInContext(bundle.outputFiles[0]!.text, realm);
  for (const name of ['process', 'Buffer', 'setImmediate', 'require', 'global'])
    expect(runInContext(`typeof ${name}`, realm), name).toBe('undefined');
  return runInContext('whmcsClient', realm);
}

describe('the client runs on any fetch runtime', () => {
  it('walks every invoice in a realm without Node globals, its dependencies (ofetch) included', async () => {
    // Before: the walk's setImmediate threw a ReferenceError here after the first page.
    const { createWhmcsClient } = await clientInWebRealm();
    const list = invoiceList(120, 2);
    const whmcs = await loopbackWhmcs((call) => list.answer(call.params));
    const client = createWhmcsClient({
      url: whmcs.url,
      credentials: { identifier: 'portable', secret: 'Portable-Secret-Gecko-19' },
      retry: false,
    });
    const ids: number[] = [];
    let evidence: unknown;
    for await (const page of client.invoicePages({ pageSize: 25, concurrency: 2, expect: { maxId: 120 } })) {
      ids.push(...page.rows.map((r) => Number(r.id)));
      evidence = page.evidence;
    }
    expect(ids).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(evidence).toMatchObject({ complete: true, distinctIds: 120 });
  });

  it('maps a refusal and a dropped connection to its errors there too', async () => {
    const { createWhmcsClient } = await clientInWebRealm();
    const whmcs = await loopbackWhmcs((_, n) =>
      n === 1
        ? { status: 403, body: '{"result":"error","message":"Authentication Failed"}' }
        : { drop: true },
    );
    const client = createWhmcsClient({
      url: whmcs.url,
      credentials: { identifier: 'portable', secret: 'Portable-Secret-Gecko-19' },
      retry: false,
    });
    await expect(client.getInvoices()).rejects.toMatchObject({ code: 'auth_failed' });
    await expect(client.getInvoices()).rejects.toMatchObject({ code: 'network' });
  });

  it('ships no import of a Node built-in, and no Node global', () => {
    expect(shipped.length).toBeGreaterThan(5);
    for (const file of shipped) {
      // Code only: comments may show Node usage in examples.
      const text = readFileSync(join(SRC, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      expect(text, file).not.toMatch(/from ['"](node:|fs|path|crypto|http|https|net|tls|os|buffer)['"/]/);
      expect(text, file).not.toMatch(/\b(process|Buffer|require|__dirname)\./);
    }
  });

  it('depends only on runtime-neutral packages', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['entities', 'js-md5', 'ofetch', 'zod']);
  });
});
