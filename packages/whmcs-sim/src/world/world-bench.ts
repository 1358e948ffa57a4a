// `pnpm --filter @forecaster/whmcs-sim bench:world`: what generating and serving a world costs, at
// about 100,000 and 1,000,000 invoices. Each size runs in its own process so its peak RSS is its
// own. CPU time is printed beside wall time because the machine is shared: wall time moves with
// the load, CPU time much less. Figures are for comparison between runs, not assertions.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateWorld } from './generate-world.ts';

/** Starting clients giving about this many invoices with the default options (about 22.8 per client). */
const SIZES: Array<[label: string, clients: number]> = [
  ['100k', 4_400],
  ['1M', 44_000],
];

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return Math.round((used.user + used.system) / 1000);
}

function measure(clients: number): void {
  let cpu = process.cpuUsage();
  let wall = performance.now();
  const world = generateWorld({ clients, seed: 1 });
  const generate = { wall: Math.round(performance.now() - wall), cpu: cpuMs(cpu) };
  const rssAfterGenerate = process.memoryUsage().rss;
  cpu = process.cpuUsage();
  wall = performance.now();
  const asOf = new Date(world.end.getTime() - 365 * 86_400_000);
  const rows = world.rowsAsOf(asOf);
  const rowTimes = { wall: Math.round(performance.now() - wall), cpu: cpuMs(cpu) };
  cpu = process.cpuUsage();
  wall = performance.now();
  const columns = world.snapshotAsOf(asOf);
  const columnTimes = { wall: Math.round(performance.now() - wall), cpu: cpuMs(cpu) };
  console.log(
    JSON.stringify({
      clients,
      invoices: world.size,
      generate,
      rssAfterGenerateMB: Math.round(rssAfterGenerate / 1e6),
      snapshotAsOf: { invoices: columns.count, ...columnTimes },
      rowsAsOf: { rows: rows.length, ...rowTimes },
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1000),
    }),
  );
}

const child = process.argv[2];
if (child) measure(Number(child));
else {
  const self = fileURLToPath(import.meta.url);
  for (const [label, clients] of SIZES) {
    const out = execFileSync(process.execPath, [...process.execArgv, self, String(clients)], {
      encoding: 'utf8',
    });
    console.log(`${label.padEnd(5)} ${out.trim()}`);
  }
}
