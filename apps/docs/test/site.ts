import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/*
 * The built site for the browser test: rebuilt when anything it is made from is newer than the
 * build, and served from .vitepress/dist the way a static host with clean URLs serves it.
 */

export const DOCS_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const REPO_ROOT = resolve(DOCS_ROOT, '../..');
export const DIST = join(DOCS_ROOT, '.vitepress', 'dist');

// Everything a build reads: the hand-written pages and config, the generator, and the sources it
// renders (test files excepted, they change no page).
const INPUTS = [
  join(DOCS_ROOT, 'src'),
  join(DOCS_ROOT, '.vitepress', 'config.ts'),
  join(DOCS_ROOT, '.vitepress', 'theme'),
  join(DOCS_ROOT, 'scripts'),
  join(DOCS_ROOT, 'package.json'),
  join(REPO_ROOT, 'packages', 'module-assets', 'src'),
  join(REPO_ROOT, 'packages', 'client', 'src'),
  join(REPO_ROOT, 'packages', 'bridge', 'src'),
  join(REPO_ROOT, 'packages', 'bridge', 'deploy'),
  join(REPO_ROOT, 'packages', 'bridge', 'Dockerfile'),
  join(REPO_ROOT, 'RELIABILITY.md'),
];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return /\.test\.ts$/.test(path) ? 0 : stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), 0);
}

/** Why the site must be built again, or undefined when .vitepress/dist is up to date. */
export function staleReason(): string | undefined {
  const built = join(DIST, 'index.html');
  if (!existsSync(built)) return '.vitepress/dist does not exist';
  const builtAt = statSync(built).mtimeMs;
  const changed = INPUTS.find((input) => newest(input) > builtAt);
  return changed ? `${relative(REPO_ROOT, changed)} changed since the last build` : undefined;
}

/** Builds the site (generate, then vitepress build) when it is missing or stale. */
export async function ensureBuilt(): Promise<{ built: boolean; reason?: string }> {
  const reason = staleReason();
  if (!reason) return { built: false };
  try {
    await promisify(execFile)('pnpm', ['run', 'build'], {
      cwd: DOCS_ROOT,
      timeout: 150_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(`the docs build failed (${reason}):\n${stdout}\n${stderr}`);
  }
  return { built: true, reason };
}

/** Every page of the built site as the path a reader opens: `/`, `/setup-guide`, `/reference/api`. */
export function builtPages(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'assets' ? [] : walk(path);
      return entry.name.endsWith('.html') && entry.name !== '404.html' ? [path] : [];
    });
  return walk(DIST)
    .map((file) => `/${relative(DIST, file).split(sep).join('/')}`.replace(/\.html$/, ''))
    .map((path) => (path === '/index' ? '/' : path.replace(/\/index$/, '/')))
    .sort();
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** The file a clean URL names: `/setup-guide` is `setup-guide.html`, `/` is `index.html`. */
function fileFor(pathname: string): string | undefined {
  const path = decodeURIComponent(pathname);
  const base = resolve(DIST, `.${path}`);
  if (base !== DIST && !base.startsWith(DIST + sep)) return undefined;
  const candidates = path.endsWith('/') ? [join(base, 'index.html')] : [base, `${base}.html`];
  return candidates.find((file) => existsSync(file) && statSync(file).isFile());
}

export interface ServedSite {
  origin: string;
  close(): Promise<void>;
}

/** Serves .vitepress/dist on 127.0.0.1 on a free port. */
export async function serveSite(): Promise<ServedSite> {
  const server: Server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const file = fileFor(pathname);
    const status = file ? 200 : 404;
    const body = readFileSync(file ?? join(DIST, '404.html'));
    res.writeHead(status, { 'content-type': TYPES[extname(file ?? '.html')] ?? 'application/octet-stream' });
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
