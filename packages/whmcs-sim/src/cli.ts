#!/usr/bin/env -S npx --no-install tsx
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { serveWhmcsSimulator } from './serve.ts';
import type { WhmcsVersion } from './types.ts';
import { worldFromCli } from './world/world-cli.ts';

const USAGE = `Usage: whmcs-sim [options]
  --port <n>          port (default: $PORT or 8080)
  --host <addr>       interface (default 127.0.0.1)
  --invoices <n>      invoices to generate (default 500)
  --clients <n>       clients to generate (default 50)
  --orphans <n>       invoices whose client was deleted (default 0)
  --seed <n>          data seed (default 1)
  --version <5|7|8>   WHMCS version profile (default 8)
  --prefix <path>     subdirectory WHMCS lives in, e.g. /billing
  --timezone <zone>   WHMCS server time zone (default UTC)
  --identifier <id>   API credential identifier (default generated)
  --secret <secret>   API credential secret (default generated)
  --access-key <key>  $api_access_key (default none)
  --allow <ip>        allowlisted IP, repeatable (default 127.0.0.1 and ::1)
  --latency-call <ms> --latency-row <ms> --latency-skip <ms>
  --world <file.json> serve a generated world (options as JSON; see README) instead of seed data
  --as-of <instant>   with --world: serve it as of this instant (default: the end of its history)
  --help`;

function number(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    console.error(`--${name} must be a number >= 0, got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return parsed;
}

async function main(): Promise<void> {
  // `pnpm start -- --port 1` passes the separator through.
  const args = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      invoices: { type: 'string' },
      clients: { type: 'string' },
      orphans: { type: 'string' },
      seed: { type: 'string' },
      version: { type: 'string' },
      prefix: { type: 'string' },
      timezone: { type: 'string' },
      identifier: { type: 'string' },
      secret: { type: 'string' },
      'access-key': { type: 'string' },
      allow: { type: 'string', multiple: true },
      'latency-call': { type: 'string' },
      'latency-row': { type: 'string' },
      'latency-skip': { type: 'string' },
      world: { type: 'string' },
      'as-of': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const version = number('version', values.version, 8);
  if (version !== 5 && version !== 7 && version !== 8) {
    console.error('--version must be 5, 7 or 8');
    process.exit(2);
  }
  const identifier = values.identifier ?? randomBytes(16).toString('hex');
  const secret = values.secret ?? randomBytes(16).toString('hex');
  const started = performance.now();
  const world = values.world ? worldFromCli(values.world, values['as-of']) : undefined;
  const { url, sim, close } = await serveWhmcsSimulator({
    ...(world ? { world: world.world, now: world.now } : {}),
    host: values.host,
    port: number('port', values.port ?? process.env.PORT, 8080),
    invoices: number('invoices', values.invoices, 500),
    clients: number('clients', values.clients, 50),
    orphans: number('orphans', values.orphans, 0),
    seed: number('seed', values.seed, 1),
    version: version as WhmcsVersion,
    pathPrefix: values.prefix,
    timeZone: values.timezone,
    accessKey: values['access-key'],
    credentials: [{ identifier, secret, admin: 'admin', actions: ['*'] }],
    allowlist: values.allow,
    latency: {
      perCallMs: number('latency-call', values['latency-call'], 0),
      perRowMs: number('latency-row', values['latency-row'], 0),
      perSkippedRowMs: number('latency-skip', values['latency-skip'], 0),
    },
  });
  const endpoint = `${url}includes/api.php`;
  const ms = Math.round(performance.now() - started);
  console.log(
    `WHMCS ${sim.options.version} simulator: ${sim.options.invoices} invoices, ${sim.clients.size} clients (${ms} ms)`,
  );
  if (world)
    console.log(
      `  world       as of ${world.now().toISOString()} (${world.world.countAsOf(world.now())} invoices by then)`,
    );
  console.log(`  endpoint    ${endpoint}`);
  console.log(`  identifier  ${identifier}`);
  console.log(`  secret      ${secret}`);
  console.log(`  allowlist   ${sim.options.allowlist.join(', ') || '(empty)'}`);
  console.log('Try:');
  console.log(
    `  curl -s ${endpoint} -d action=GetInvoices -d identifier=${identifier} -d secret=${secret} -d responsetype=json -d limitnum=2 -d orderby=id`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
