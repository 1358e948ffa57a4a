import { createServer } from 'node:net';

/** The port the bridge would listen on is taken: who holds it, and what to do. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(host: string, port: number, isBridge: boolean) {
    super(
      isBridge
        ? `another bridge is serving on ${host}:${port}: stop it, or set PORT`
        : `another program is listening on ${host}:${port}: stop it, or set PORT`,
    );
  }
}

/**
 * Fails with a PortInUseError when `host:port` cannot be bound, before anything else is
 * touched (a second `pnpm start` must not delete the running demo's data first).
 */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const free = await new Promise<boolean>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      err.code === 'EADDRINUSE' ? resolve(false) : reject(err),
    );
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
  if (free) return;
  throw new PortInUseError(host, port, await answersLikeBridge(host, port));
}

async function answersLikeBridge(host: string, port: number): Promise<boolean> {
  const authority = host.includes(':') ? `[${host}]` : host;
  try {
    const res = await fetch(`http://${authority}:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
    return ((await res.json()) as { status?: unknown }).status === 'ok';
  } catch {
    return false;
  }
}
