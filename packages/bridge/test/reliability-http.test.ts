import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { simSource, TOKEN } from './harness.ts';
import { openBridge, reliabilityConfig } from './reliability-support.ts';

/*
 * The HTTP surface over a real server (`createBridge().listen()` on loopback): oversized
 * requests are refused before they cost anything, the defaults are safe (loopback, no CORS,
 * secure headers), hashed tokens work end to end and each token has its own rate limit.
 * Constant-time token comparison is tested where it lives: src/api/auth.test.ts ("compares with
 * every configured token in constant time, whether and wherever one matches").
 */

const sha256hex = (text: string) => createHash('sha256').update(text).digest('hex');

interface RawResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Bytes of the request body handed to the socket before the server answered or closed. */
  written: number;
  ms: number;
  closedEarly: boolean;
}

/** One request with node:http, streaming `bodyBytes` of body (chunked unless `contentLength`). */
function raw(
  base: string,
  path: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    bodyBytes?: number;
    contentLength?: boolean;
  } = {},
): Promise<RawResult> {
  const url = new URL(base);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let written = 0;
    let closedEarly = false;
    const headers = { ...options.headers };
    if (options.bodyBytes !== undefined && options.contentLength)
      headers['content-length'] = String(options.bodyBytes);
    const req = request({
      host: url.hostname,
      port: url.port,
      path,
      method: options.method ?? (options.bodyBytes === undefined ? 'GET' : 'POST'),
      headers,
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        req.destroy();
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body,
          written,
          ms: Date.now() - started,
          closedEarly,
        });
      });
    });
    req.on('error', (err) => {
      // The server may close while we still write (EPIPE/ECONNRESET): the answer may already be in.
      closedEarly = true;
      if (!req.writableEnded && options.bodyBytes === undefined) reject(err);
    });
    if (options.bodyBytes !== undefined) {
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const total = options.bodyBytes;
      const pump = () => {
        while (written < total && !req.destroyed) {
          const n = Math.min(chunk.length, total - written);
          written += n;
          if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
            req.once('drain', pump);
            return;
          }
        }
        if (!req.destroyed) req.end();
      };
      pump();
    } else req.end();
  });
}

async function served(extra: Parameters<typeof reliabilityConfig>[2] = {}, env: NodeJS.ProcessEnv = {}) {
  const eu = await simSource('eu', { invoices: 40 });
  const config = reliabilityConfig([eu], {}, extra);
  const bridge = await openBridge(config.file, { ...config.env, ...env });
  const url = await bridge.listen();
  return { eu, bridge, url };
}

const auth = { authorization: `Bearer ${TOKEN}` };
const MB = 1024 * 1024;

describe('oversized requests over a real server', () => {
  it('a 100 MB streamed body is refused with 413 at once, without the server reading it', async () => {
    const { url } = await served();
    for (const contentLength of [false, true]) {
      const res = await raw(url, '/v1/sources/eu/sync', {
        headers: { ...auth, 'content-type': 'application/json' },
        bodyBytes: 100 * MB,
        contentLength,
      });
      expect(res.status, `content-length: ${contentLength}`).toBe(413);
      expect(JSON.parse(res.body).error.code).toBe('payload_too_large');
      expect(res.ms).toBeLessThan(3000);
      // What we managed to hand over before the answer bounds what the server could read:
      // socket buffers, nowhere near the 100 MB.
      expect(res.written).toBeLessThan(16 * MB);
    }
  });

  it('an unauthenticated body is not read either: 401 first', async () => {
    const { url } = await served();
    const res = await raw(url, '/v1/sources/eu/sync', {
      headers: { 'content-type': 'application/json' },
      bodyBytes: 100 * MB,
      contentLength: true,
    });
    expect(res.status).toBe(401);
    expect(res.written).toBeLessThan(16 * MB);
  });

  it('a 20 KB URL gets 414 from the API; 64 KB of headers get 431 from Node', async () => {
    const { url } = await served();
    const long = await raw(url, `/v1/invoices?status=${'paid,'.repeat(4096)}`, { headers: auth });
    expect(long.status).toBe(414);
    expect(JSON.parse(long.body).error.code).toBe('uri_too_long');
    const headers: Record<string, string> = { ...auth };
    for (let i = 0; i < 64; i++) headers[`x-padding-${i}`] = 'p'.repeat(1024);
    const big = await raw(url, '/v1/invoices', { headers });
    expect(big.status).toBe(431);
    // The server is still there.
    expect((await raw(url, '/healthz')).status).toBe(200);
  });
});

describe('safe defaults', () => {
  it('binds 127.0.0.1 unless configured otherwise', async () => {
    expect(loadConfig({ fallback: {}, env: {} }).listen.host).toBe('127.0.0.1');
    const eu = await simSource('eu', { invoices: 5 });
    const { file, env } = reliabilityConfig([eu]);
    delete (file as { listen?: unknown }).listen;
    const bridge = await openBridge({ ...file, listen: { port: 0 } }, env);
    const url = new URL(await bridge.listen());
    expect(url.hostname).toBe('127.0.0.1');
    // Not reachable on the machine's other addresses.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (external) {
      const error = await new Promise<string>((resolve) => {
        const socket = connect({ host: external, port: Number(url.port) });
        socket.on('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      });
      expect(error).toBe('ECONNREFUSED');
    }
  });

  it('CORS is off unless origins are listed, and then only for them', async () => {
    const preflight = (base: string, origin: string) =>
      raw(base, '/v1/invoices', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
    const closed = await served();
    const none = await preflight(closed.url, 'https://forecaster.example.com');
    expect(none.headers['access-control-allow-origin']).toBeUndefined();
    const get = await raw(closed.url, '/v1/invoices', {
      headers: { ...auth, origin: 'https://forecaster.example.com' },
    });
    expect(get.status).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();

    const open = await served({ cors: { origins: ['https://forecaster.example.com'] } });
    const allowed = await preflight(open.url, 'https://forecaster.example.com');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://forecaster.example.com');
    expect(String(allowed.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
    const other = await preflight(open.url, 'https://evil.example.net');
    expect(other.headers['access-control-allow-origin']).not.toBe('https://evil.example.net');
    expect(other.headers['access-control-allow-origin']).not.toBe('*');
  });

  it('secure headers on every answer: success, error and the system routes', async () => {
    const { url } = await served();
    const answers = [
      await raw(url, '/healthz'),
      await raw(url, '/openapi.json'),
      await raw(url, '/v1/invoices?limit=5', { headers: auth }),
      await raw(url, '/v1/invoices'), // 401
      await raw(url, '/v1/nothing', { headers: auth }), // 404
      await raw(url, '/v1/invoices?limit=0', { headers: auth }), // 400
      await raw(url, `/v1/invoices?x=${'a'.repeat(9000)}`, { headers: auth }), // 414
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 401, 404, 400, 414]);
    for (const a of answers) {
      expect(a.headers['x-content-type-options'], String(a.status)).toBe('nosniff');
      expect(a.headers['x-frame-options']).toBe('DENY');
      expect(a.headers['content-security-policy']).toContain("default-src 'none'");
      expect(a.headers['referrer-policy']).toBe('no-referrer');
      expect(a.headers['strict-transport-security']).toBeDefined();
      expect(a.headers['x-powered-by']).toBeUndefined();
      expect(a.headers['x-request-id']).toMatch(/\S+/);
    }
  });
});

describe('tokens over HTTP', () => {
  it('configuration can hold only token hashes: the hashed token works, anything else is 401', async () => {
    const plain = 'hashed-token-Pangolin-7731';
    const eu = await simSource('eu', { invoices: 10 });
    const { file, env } = reliabilityConfig(
      [eu],
      {},
      { tokens: [{ name: 'forecaster', sha256: sha256hex(plain) }] },
    );
    delete env.BRIDGE_TOKEN;
    const bridge = await openBridge(file, env);
    const url = await bridge.listen();
    expect(bridge.config.tokens).toHaveLength(1);
    expect(JSON.stringify(bridge.config)).not.toContain(plain);

    const ok = await raw(url, '/v1/sources', { headers: { authorization: `Bearer ${plain}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    for (const wrong of [
      `Bearer ${sha256hex(plain)}`,
      `Bearer ${plain}x`,
      `Basic ${plain}`,
      `Bearer ${TOKEN}`,
    ]) {
      const res = await raw(url, '/v1/sources', { headers: { authorization: wrong } });
      expect(res.status, wrong).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="forecaster-bridge"/);
      expect(res.body).not.toContain(plain);
    }
  });

  it('each token has its own rate limit: 429 with Retry-After, the other token unaffected', async () => {
    const second = 'second-token-Quokka-4410';
    const { url } = await served({
      rateLimit: { requestsPerMinute: 6 },
      tokens: [{ name: 'second', sha256: sha256hex(second) }],
    });
    for (let i = 0; i < 6; i++) expect((await raw(url, '/v1/sources', { headers: auth })).status).toBe(200);
    const limited = await raw(url, '/v1/sources', { headers: auth });
    expect(limited.status).toBe(429);
    // Six a minute refill one every ten seconds.
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(9);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(10);
    expect(JSON.parse(limited.body).error.code).toBe('rate_limited');
    expect((await raw(url, '/v1/sources', { headers: { authorization: `Bearer ${second}` } })).status).toBe(
      200,
    );
    // The unauthenticated system routes are not limited.
    for (let i = 0; i < 10; i++) expect((await raw(url, '/healthz')).status).toBe(200);
  });
});
