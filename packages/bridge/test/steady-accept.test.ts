import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { betweenSlices, starvedAfter } from '../src/bounded-work.ts';
import { configFor } from './harness.ts';
import { openBridge } from './reliability-support.ts';

/*
 * Issue 17 item 6, over a real server: Node accepts one connection per turn of its event loop,
 * so connections opened at once while a sync writes waited for a slice of the sync (up to 20 ms
 * of it) per connection before theirs was even read: 200 of them took up to 36 s. A sync's
 * slices now make way while connections come in and requests wait. The count of slices run
 * meanwhile says so whatever this machine's speed: before, it was at least one per connection.
 */

/** Opens `count` connections at once, each asking GET `path`; resolves with their status codes. */
function openAtOnce(url: string, count: number, path: string): Promise<number[]> {
  const { hostname, port } = new URL(url);
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<number>((resolve, reject) => {
          const socket = connect(Number(port), hostname);
          let head = '';
          socket.on('error', reject);
          socket.on('data', (chunk) => {
            head += chunk.toString('latin1');
            const status = /^HTTP\/1\.1 (\d{3})/.exec(head);
            if (status) {
              socket.destroy();
              resolve(Number(status[1]));
            }
          });
          socket.write(`GET ${path} HTTP/1.1\r\nhost: ${hostname}\r\nconnection: close\r\n\r\n`);
        }),
    ),
  );
}

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('connections opened at once while a sync writes', () => {
  const starved = starvedAfter.ms;
  afterEach(() => {
    starvedAfter.ms = starved;
  });

  it('are accepted and answered before the sync takes a slice per connection', async () => {
    // No slice forced in by starvation: what is left is what the bridge lets through.
    starvedAfter.ms = 1e9;
    const { file, env } = configFor([]);
    const bridge = await openBridge(file, env);
    const url = await bridge.listen();
    let slicesRun = 0;
    let writing = true;
    // A sync's write path: slices of 5 ms, the loop turning between them as bounded-work allows.
    const sync = (async () => {
      while (writing) {
        busy(5);
        slicesRun++;
        await betweenSlices();
      }
    })();
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const connections = 60;
      const before = slicesRun;
      const statuses = await openAtOnce(url, connections, '/healthz');
      const during = slicesRun - before;
      expect(statuses).toEqual(Array(connections).fill(200));
      expect(during).toBeLessThan(connections / 3);
    } finally {
      writing = false;
      await sync;
      await bridge.close();
    }
  });
});
