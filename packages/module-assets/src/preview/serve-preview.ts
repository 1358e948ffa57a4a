import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { MODULE_DIR, moduleIsStale, PACKAGE_ROOT } from '../build/paths.ts';
import { MODULE_NAME, MODULE_VERSION, UPLOAD_LIMITS } from '../module/operations.ts';
import { createStandInProxy } from '../module/standin-proxy.ts';
import { adminChrome, blendLookCss, bootstrapCss } from '../testing/admin-chrome.ts';
import { modulePageHtml } from './page-html.ts';

/*
 * What `pnpm start` serves beside the demo bridge: the module's page inside a WHMCS look-alike,
 * at the same paths WHMCS uses (admin/addonmodules.php, modules/addons/…), with the TypeScript
 * stand-in for the PHP proxy. The bridge token stays in this process, as in WHMCS it stays in PHP.
 */

export interface ModulePreviewOptions {
  bridgeUrl: string;
  token: string;
  /** Default 0 (any free port). */
  port?: number;
  host?: string;
  /** Whether the pretend admin may run writes (sync). Default true. */
  canWrite?: boolean;
}

export interface ModulePreview {
  /** The module page's URL. */
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** The policy WHMCS admin pages can live under: no eval, no other origin. */
export const PREVIEW_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'";

/** Builds the addon when its build is missing or stale, in a child process (keeps Vite out of here). */
export async function ensurePreviewBundle(): Promise<void> {
  if (!moduleIsStale()) return;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'scripts', 'build.ts')], {
      cwd: PACKAGE_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`module build failed: ${stderr}`)),
    );
  });
}

// Room for a whole upload, as a WHMCS server configured for the bridge's limits takes.
const MAX_FORM_BYTES = UPLOAD_LIMITS.fileBytes * UPLOAD_LIMITS.files + 1024 * 1024;

/** The posted form and, for a multipart POST, its `file` / `file[]` uploads. */
async function readForm(
  req: IncomingMessage,
): Promise<{ form: URLSearchParams; files: Array<{ name: string; bytes: Uint8Array }> }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) {
    return { form: new URLSearchParams(body.toString('utf8')), files: [] };
  }
  const parsed = await new Request('http://preview.invalid/', {
    method: 'POST',
    headers: { 'content-type': type },
    body,
  }).formData();
  const form = new URLSearchParams();
  const files: Array<{ name: string; bytes: Uint8Array }> = [];
  for (const [key, value] of parsed) {
    if (typeof value === 'string') form.append(key, value);
    else if (key === 'file' || key === 'file[]') {
      files.push({ name: value.name, bytes: new Uint8Array(await value.arrayBuffer()) });
    }
  }
  return { form, files };
}

/**
 * Starts the preview.
 *
 * @example
 * const preview = await serveModulePreview({ bridgeUrl: 'http://127.0.0.1:8787', token });
 * console.log(`Module preview: ${preview.url}`);
 */
export async function serveModulePreview(options: ModulePreviewOptions): Promise<ModulePreview> {
  await ensurePreviewBundle();
  if (!existsSync(join(MODULE_DIR, 'app.js'))) throw new Error(`the module is not built (${MODULE_DIR})`);
  const csrfToken = randomBytes(20).toString('hex');
  const canWrite = options.canWrite ?? true;
  const proxy = createStandInProxy({
    bridgeUrl: options.bridgeUrl,
    token: options.token,
    csrfToken,
    canWrite,
  });
  const [head, foot] = adminChrome({
    bootstrapHref: '../whmcs-look/bootstrap.css',
    blendHref: '../whmcs-look/blend.css',
    banner: 'Preview: the module as it shows inside WHMCS, against the demo bridge.',
  });
  const styles: Record<string, string> = { 'bootstrap.css': bootstrapCss(), 'blend.css': blendLookCss() };
  let currencies: Promise<Array<{ code: string; prefix: string; suffix: string }>> | undefined;

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': PREVIEW_CSP,
    });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://preview.invalid');
    if (url.pathname === '/') {
      res.writeHead(302, { location: `/admin/addonmodules.php?module=${MODULE_NAME}` }).end();
      return;
    }
    if (url.pathname === '/admin/addonmodules.php' && url.searchParams.get('module') === MODULE_NAME) {
      if (url.searchParams.get('action') === 'api') {
        const { form, files } =
          req.method === 'POST' ? await readForm(req) : { form: new URLSearchParams(), files: [] };
        const answer = await proxy({ method: req.method ?? 'GET', query: url.searchParams, form, files });
        if (answer.file) {
          res.writeHead(answer.status, {
            'content-type': answer.file.type,
            'content-disposition': answer.file.disposition,
            'cache-control': 'no-store',
            'x-content-type-options': 'nosniff',
          });
          res.end(answer.body);
          return;
        }
        send(res, answer.status, 'application/json; charset=utf-8', Buffer.from(answer.body));
        return;
      }
      currencies ??= learnCurrencies(options.bridgeUrl, options.token);
      const page = modulePageHtml({
        endpoint: `addonmodules.php?module=${MODULE_NAME}`,
        csrf: csrfToken,
        version: MODULE_VERSION,
        canWrite,
        fiscalYearStart: 1,
        currencies: await currencies,
      });
      send(res, 200, 'text/html; charset=utf-8', head + page + foot);
      return;
    }
    const style = /^\/whmcs-look\/([a-z]+\.css)$/.exec(url.pathname)?.[1];
    if (style && styles[style]) {
      send(res, 200, TYPES['.css']!, styles[style]);
      return;
    }
    const prefix = `/modules/addons/${MODULE_NAME}/`;
    if (url.pathname.startsWith(prefix)) {
      const file = normalize(join(MODULE_DIR, decodeURIComponent(url.pathname.slice(prefix.length))));
      const type = TYPES[extname(file)];
      // Only the bundle's own files: never the PHP, never outside the folder.
      if (file.startsWith(MODULE_DIR + sep) && type && existsSync(file)) {
        send(res, 200, type, readFileSync(file));
        return;
      }
    }
    send(res, 404, 'text/plain; charset=utf-8', 'Not found');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `Preview error: ${err.message}`);
      else res.end();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/admin/addonmodules.php?module=${MODULE_NAME}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * How each currency is written, as a WHMCS page would know it from its settings: here from one
 * invoice per currency the bridge has. Failures leave amounts with their currency code.
 */
async function learnCurrencies(bridgeUrl: string, token: string) {
  const headers = { authorization: `Bearer ${token}` };
  try {
    const revenue = (await (await fetch(`${bridgeUrl}/v1/revenue`, { headers })).json()) as {
      data: Array<{ currency: string }>;
    };
    const codes = [...new Set(revenue.data.map((r) => r.currency))];
    return await Promise.all(
      codes.map(async (code) => {
        const page = (await (
          await fetch(`${bridgeUrl}/v1/invoices?currency=${encodeURIComponent(code)}&limit=1`, { headers })
        ).json()) as {
          data: Array<{ currencyPrefix: string; currencySuffix: string }>;
        };
        return {
          code,
          prefix: page.data[0]?.currencyPrefix ?? '',
          suffix: page.data[0]?.currencySuffix ?? ` ${code}`,
        };
      }),
    );
  } catch {
    return [];
  }
}
