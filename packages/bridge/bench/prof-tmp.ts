import { fork } from 'node:child_process';
import { SimHost } from './children.ts';
import { NO_LATENCY } from './cost-model.ts';
import { tempDir } from './harness.ts';

const host = await SimHost.start();
const n = Number(process.argv[2] ?? 50_000);
const off = await host.serve(`off-${n}`, n, NO_LATENCY);
const child = fork(
  'bench/sync-process.ts',
  [JSON.stringify({ url: off.url, secret: off.secret, dataDir: tempDir() })],
  {
    execArgv: ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', '--import', 'tsx'],
    env: { ...process.env, NODE_ENV: 'production' },
  },
);
const msg = await new Promise((r) => child.once('message', r));
console.log(JSON.stringify(msg));
await new Promise((r) => child.once('exit', r));
await host.close(off.key);
host.stop();
