import { spawn } from 'node:child_process';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  type AddressInfo,
  connect,
  createServer as createNetServer,
  type Server,
  type Socket,
} from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { TestCert } from './certs.ts';

/*
 * Loopback servers for the check's tests: a TLS front for the simulator, a hand-written "WHMCS"
 * for answers the simulator cannot give, a port that refuses and one that never answers.
 */

export interface Running {
  port: number;
  close(): Promise<void>;
}

async function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

function closer(server: Server, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

function track(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

/** HTTPS in front of a plain-HTTP server on loopback (the simulator), as a TLS-terminating proxy would be. */
export async function serveTlsFront(cert: TestCert, upstreamPort: number): Promise<Running> {
  const server = createTlsServer({ key: cert.key, cert: cert.cert }, (clear) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    clear.on('error', () => upstream.destroy());
    upstream.on('error', () => clear.destroy());
    clear.pipe(upstream).pipe(clear);
  });
  // A client that rejects the certificate aborts the handshake: not an error here.
  server.on('tlsClientError', () => {});
  const sockets = track(server);
  return { port: await listen(server), close: closer(server, sockets) };
}

export interface FakeWhmcs extends Running {
  url: string;
  /** The `action` of every request, lower-cased, in order. */
  actions: string[];
}

/** A hand-written WHMCS: `answer` gets each request's form and writes the response. */
export async function serveFakeWhmcs(
  answer: (form: URLSearchParams, res: ServerResponse, req: IncomingMessage) => void,
): Promise<FakeWhmcs> {
  const actions: string[] = [];
  const server = createHttpServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      actions.push((form.get('action') ?? '').toLowerCase());
      answer(form, res, req);
    });
  });
  const sockets = track(server);
  const port = await listen(server);
  return { port, url: `http://127.0.0.1:${port}/`, actions, close: closer(server, sockets) };
}

/** A loopback port nothing listens on: connecting is refused. */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Accepts TCP connections and never says a word: a TLS handshake on it times out. */
export async function serveSilence(): Promise<Running> {
  const server = createNetServer(() => {});
  const sockets = track(server);
  return { port: await listen(server), close: closer(server, sockets) };
}

/**
 * A loopback port whose SYNs go unanswered, so that a connection attempt times out: a socket
 * that listens with a backlog of 0 and never accepts, with its one queue slot taken. Node always
 * accepts, so a python3 child holds the socket. Undefined when python3 is missing.
 */
export async function blackholePort(): Promise<(Running & { filler: Socket }) | undefined> {
  const script = [
    'import socket, sys',
    's = socket.socket()',
    's.bind(("127.0.0.1", 0))',
    's.listen(0)',
    'print(s.getsockname()[1], flush=True)',
    'sys.stdin.read()',
  ].join('\n');
  const child = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'ignore'] });
  const port = await new Promise<number | undefined>((resolve) => {
    child.once('error', () => resolve(undefined));
    child.stdout.once('data', (data: Buffer) => resolve(Number(String(data).trim())));
    child.once('exit', () => resolve(undefined));
  });
  if (!port) return undefined;
  // Take the queue's one slot; later SYNs are dropped.
  const filler = connect(port, '127.0.0.1');
  filler.on('error', () => {});
  await new Promise<void>((resolve) => filler.once('connect', () => resolve()));
  return {
    port,
    filler,
    close: async () => {
      filler.destroy();
      child.stdin.end();
      child.kill();
    },
  };
}
