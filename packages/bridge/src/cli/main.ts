import { Command, InvalidArgumentError } from 'commander';
import { createBridge, VERSION } from '../bridge.ts';
import { checkConfig, formatCheckReport } from '../check/index.ts';
import { type BridgeConfig, ConfigError, loadConfig, redactedConfig } from '../config.ts';
import type { SyncRunResult } from '../store/types.ts';
import { startDemo } from './demo.ts';
import { formatRunSummary, showSyncProgress } from './progress.ts';

/** Exit statuses: 0 ok, 1 a sync or check failed, 2 the configuration or the command line is wrong. */
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

function config(path: string | undefined): BridgeConfig {
  return loadConfig(path ? { path } : {});
}

/** Runs until SIGINT or SIGTERM, then closes gracefully (a second signal forces the exit). */
function untilSignal(close: () => Promise<void>): void {
  let closing = false;
  const onSignal = (signal: string) => {
    if (closing) process.exit(130);
    closing = true;
    process.stderr.write(`\n${signal}: stopping (syncs resume from their checkpoints next time)...\n`);
    close().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`error while stopping: ${(err as Error).message}\n`);
        process.exit(EXIT_FAILED);
      },
    );
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}

async function serve(path: string | undefined): Promise<void> {
  const bridge = await createBridge(config(path));
  await bridge.listen();
  untilSignal(() => bridge.close());
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('a port number (0-65535)');
  return n;
}

export function buildProgram(): Command {
  const program = new Command('bridge')
    .description('Forecaster Bridge: syncs invoices from WHMCS and serves them to the Commitment Forecaster')
    .version(VERSION)
    .option('-c, --config <path>', 'configuration file (JSON); default: $BRIDGE_CONFIG')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) })
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE);
    });
  const configPath = () => program.opts<{ config?: string }>().config;

  program
    .command('serve')
    .description('sync on schedule and serve the Forecaster API')
    .action(() => serve(configPath()));

  program
    .command('sync')
    .description('sync now, with a progress bar, then print a summary (exit 1 if any source failed)')
    .option('-s, --source <id>', 'only this source')
    .option('--full', 'a full sync (default: incremental; a source never synced gets a full one)')
    .action(async (opts: { source?: string; full?: boolean }) => {
      const cfg = config(configPath());
      const sources = opts.source ? cfg.sources.filter((s) => s.id === opts.source) : cfg.sources;
      if (opts.source && sources.length === 0) {
        throw new ConfigError(
          '--source',
          `no source "${opts.source}" (configured: ${cfg.sources.map((s) => s.id).join(', ') || 'none'})`,
        );
      }
      if (sources.length === 0) throw new ConfigError('sources', 'no source is configured');
      const bridge = await createBridge(cfg);
      const controller = new AbortController();
      untilSignal(async () => {
        controller.abort();
        await bridge.close();
      });
      const stopBars = showSyncProgress(bridge.engine);
      const runs: Array<{ source: string; run: SyncRunResult }> = await Promise.all(
        sources.map(async (s) => {
          const record = await bridge.store.getSource(s.id);
          const mode = opts.full || record?.lastFull?.result !== 'ok' ? 'full' : 'incremental';
          return { source: s.id, run: await bridge.engine.run(s.id, mode, { signal: controller.signal }) };
        }),
      );
      stopBars();
      process.stdout.write(`\n${formatRunSummary(runs)}\n`);
      await bridge.close();
      process.exit(runs.every((r) => r.run.result === 'ok') ? 0 : EXIT_FAILED);
    });

  program
    .command('check')
    .description(
      'check each source stage by stage (DNS, TCP, TLS, api.php, credentials, IP, role, a sample) with at most one login; exit 1 if any fails, 2 if the configuration is wrong',
    )
    .option('-s, --source <id>', 'only this source')
    .option('--json', 'print the reports as JSON (an array, one per source)')
    .action(async (opts: { source?: string; json?: boolean }) => {
      const path = configPath();
      const result = await checkConfig({
        ...(path ? { path } : {}),
        ...(opts.source ? { source: opts.source } : {}),
      });
      const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(result.reports, null, 2)}\n`
          : result.reports.map((report) => formatCheckReport(report, { color })).join('\n'),
      );
      // A configuration that cannot be loaded is a usage error, as for every other command.
      process.exitCode = result.configError ? EXIT_USAGE : result.ok ? 0 : EXIT_FAILED;
    });

  program
    .command('config')
    .description('configuration commands')
    .command('print')
    .description('print the effective configuration, every secret redacted')
    .action(() => {
      process.stdout.write(`${JSON.stringify(redactedConfig(config(configPath())), null, 2)}\n`);
    });

  program
    .command('demo')
    .description('run against two simulated WHMCS installs (what `pnpm start` does with no configuration)')
    .option('-p, --port <port>', 'listen port (default $PORT or 8787)', port)
    .action(async (opts: { port?: number }) => {
      const demo = await startDemo({
        port: opts.port ?? (process.env.PORT ? port(process.env.PORT) : 8787),
        ...(process.env.BRIDGE_TOKEN ? { token: process.env.BRIDGE_TOKEN } : {}),
      });
      untilSignal(() => demo.close());
    });

  program
    .command('start', { hidden: true })
    .description('serve with the configuration if there is one, else run the demo')
    .action(async () => {
      if (configPath() || process.env.BRIDGE_CONFIG) return serve(configPath());
      const demo = await startDemo({
        port: process.env.PORT ? port(process.env.PORT) : 8787,
        ...(process.env.BRIDGE_TOKEN ? { token: process.env.BRIDGE_TOKEN } : {}),
      });
      untilSignal(() => demo.close());
    });

  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`bridge: configuration error: ${err.message}\n`);
      process.exit(EXIT_USAGE);
    }
    process.stderr.write(`bridge: ${(err as Error).message}\n`);
    process.exit(EXIT_FAILED);
  }
}

const invoked = process.argv[1] ?? '';
if (/(?:^|[/\\])(?:main\.ts|bridge(?:\.mjs)?)$/.test(invoked)) void main();
