import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/*
 * A real PostgreSQL server for tests and benchmarks: Debian's server binaries, a cluster
 * initialized into a temporary directory, listening on a loopback port and a private socket
 * directory. initdb refuses to run as root, so as root the cluster belongs to the `postgres`
 * user (the Debian package creates it). There is deliberately no fallback: a machine without the
 * binaries fails the tests (`.ci/run` installs them) instead of skipping what proves the store.
 */

export interface PostgresServer {
  /** `postgres://...` of the `postgres` database, as the superuser `bridge`. */
  readonly url: string;
  readonly port: number;
  /** Stops the server and deletes its directory. */
  stop(): Promise<void>;
}

export interface PostgresServerOptions {
  /**
   * `fast` turns durability off (fsync, synchronous commit): right for tests, wrong for figures
   * that claim to be what a deployment sees.
   */
  durability?: 'fast' | 'durable';
}

/** The newest installed server's bin directory, or a readable error naming the fix. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      `No PostgreSQL server under ${root}: install Debian's server (apt-get install -y postgresql), as .ci/run does`,
    );
  }
  return join(root, versions[0]!, 'bin');
}

/**
 * Starts a throwaway PostgreSQL server.
 *
 * @example const server = await startPostgres(); ...; await server.stop()
 */
export async function startPostgres(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'forecaster-pg-'));
  const data = join(dir, 'data');
  const socketDir = dir;
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? 'runuser' : join(bin, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    const result = spawnSync(command, argv, { encoding: 'utf8', cwd: dir });
    if (result.status !== 0) {
      const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8') : '';
      throw new Error(`${tool} failed (${result.status}): ${result.stderr || result.stdout}\n${log}`);
    }
  };
  run('initdb', ['-D', data, '-U', 'bridge', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const settings = [
    '-c listen_addresses=127.0.0.1',
    `-c port=${port}`,
    `-c unix_socket_directories=${socketDir}`,
    '-c max_connections=200',
    ...(options.durability === 'durable'
      ? []
      : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
  ].join(' ');
  run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', settings, '-w', '-t', '60', 'start']);
  const url = `postgres://bridge@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    url,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A new database on the server (empty, or a copy of `template`), for one test or one benchmark:
 * tests in parallel never share tables.
 */
export async function createDatabase(serverUrl: string, prefix = 'test', template?: string): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
