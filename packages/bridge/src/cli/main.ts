import { Command, InvalidArgumentError } from 'commander';
import { createBridge, VERSION } from '../bridge.ts';
import { checkConfig, formatCheckReport } from '../check/index.ts';
import { portSchema, readEnv } from '../config/env.ts';
import { type BridgeConfig, ConfigError, loadConfig, redactedConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { DataDirLockedError, lockDataDir, NotADemoDirError } from '../store/index.ts';
import type { SyncRunResult } from '../store/types.ts';
import { SourceBusyError } from '../sync/source-lease.ts';
import { isEntryPoint } from './entry-point.ts';
import { createLogSink } from './log-sink.ts';
import { CLI_NAME } from './name.ts';
import { assertPortFree, PortInUseError } from './port.ts';
import { announce, formatRunSummary, showSyncProgress } from './progress.ts';
import { rotateSourcesKey } from './rotate-key.ts';
import { stopOnSignal } from './signals.ts';

/**
 * Exit statuses: 0 ok; 1 a sync or check failed, or a sync did not finish for another reason
 * (another process took its lease); 2 the configuration or the command line is wrong; 75 busy
 * (below); 130 or 143 a sync stopped by SIGINT or SIGTERM (below). The docs' command table says
 * the same.
 */
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
/** Another process syncs the source, or serves from the data directory (EX_TEMPFAIL: try later). */
const EXIT_BUSY = 75;
/** A sync stopped by a signal before it finished: 128 + the signal, as shells report it. */
const EXIT_SIGNAL: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

function config(path: string | undefined): BridgeConfig {
  return loadConfig(path ? { path } : {});
}

/** A logger on stdout that can write above progress bars. */
function cliLogger(cfg: BridgeConfig) {
  const sink = createLogSink();
  const logger = createLogger({
    level: cfg.log.level,
    format: cfg.log.format,
    secrets: cfg.secrets,
    destination: sink.stream,
  });
  return { sink, logger };
}

/**
 * `serve` needs a configuration: without one the API could only answer 401. Names everything
 * missing at once; only `start` runs the demo instead.
 */
function servable(path: string | undefined): BridgeConfig {
  if (!path && !readEnv().BRIDGE_CONFIG) {
    throw new ConfigError(
      '',
      'no configuration to serve: give --config FILE or set BRIDGE_CONFIG (`pnpm start` without either runs the demo)',
    );
  }
  const cfg = config(path);
  const missing = [
    ...(cfg.sources.length === 0 && !cfg.managedSources?.ring
      ? ['sources: no WHMCS source is configured (nor managedSources.key, to add them through the API)']
      : []),
    ...(cfg.tokens.length === 0
      ? ['tokens: no API token is configured (add one to `tokens`, or set BRIDGE_TOKEN)']
      : []),
  ];
  if (missing.length > 0) throw new ConfigError('', `nothing to serve:\n  ${missing.join('\n  ')}`);
  return cfg;
}

async function serve(path: string | undefined): Promise<void> {
  const cfg = servable(path);
  await assertPortFree(cfg.listen.host, cfg.listen.port);
  const { logger } = cliLogger(cfg);
  // Before anything touches the data directory: one serving bridge per directory.
  const lock = lockDataDir(cfg.dataDir, { purpose: 'serve' });
  const bridge = await createBridge(cfg, { logger });
  stopOnSignal({
    message: 'stopping: a full sync in progress resumes from its checkpoint at the next start',
    close: async () => {
      await bridge.close();
      lock.release();
      return EXIT_OK;
    },
  });
  lock.update({ url: await bridge.listen() });
}

function port(value: string): number {
  const parsed = portSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError('a port number (0-65535)');
  return parsed.data;
}

/** What a checkout adds to the shipped CLI (src/cli/dev-main.ts): the demo. */
export interface ProgramOptions {
  /** Runs the demo on `port` with `dataDir`; without it there is no `demo` command. */
  demo?: (port: number, dataDir: string) => Promise<void>;
}

export function buildProgram(options: ProgramOptions = {}): Command {
  const program = new Command(CLI_NAME)
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
    .description('sync on schedule and serve the Forecaster API (needs a configuration)')
    .action(() => serve(configPath()));

  program
    .command('sync')
    .description(
      'sync now, with a progress bar, then print a summary (exit 1 if any source failed, 75 if another process syncs it, 130/143 if stopped by SIGINT/SIGTERM)',
    )
    .option('-s, --source <id>', 'only this source')
    .option('--full', 'a full sync (default: incremental; a source never synced gets a full one)')
    .option(
      '--force',
      'send a credential WHMCS refused once more (never more than one failed login per source per 15 minutes)',
    )
    .option('--allow-mass-delete', 'let this run delete more than sync.maxDeleteShare of the stored invoices')
    .action(async (opts: { source?: string; full?: boolean; force?: boolean; allowMassDelete?: boolean }) => {
      const cfg = config(configPath());
      const { sink, logger } = cliLogger(cfg);
      // Opened first: the sources managed through the API (by a serving bridge) join the file's.
      const bridge = await createBridge(cfg, { logger, engine: { leasePurpose: 'sync' } });
      const sources = opts.source ? cfg.sources.filter((s) => s.id === opts.source) : cfg.sources;
      const refusal =
        opts.source && sources.length === 0
          ? new ConfigError(
              '--source',
              `no source "${opts.source}" (configured: ${cfg.sources.map((s) => s.id).join(', ') || 'none'})`,
            )
          : sources.length === 0
            ? new ConfigError('sources', 'no source is configured')
            : undefined;
      if (refusal) {
        await bridge.close();
        throw refusal;
      }
      const controller = new AbortController();
      let stoppedBy: string | undefined;
      // A signal stops the runs at a page boundary; the summary below still prints.
      const abort = (signal: NodeJS.Signals) => {
        if (controller.signal.aborted) process.exit(EXIT_SIGNAL[signal] ?? EXIT_FAILED);
        announce(`\n${signal}: stopping the sync (a full sync resumes from its checkpoint next time)\n`);
        stoppedBy = signal;
        controller.abort();
      };
      process.on('SIGINT', abort);
      process.on('SIGTERM', abort);
      const bars = showSyncProgress(bridge.engine);
      sink.through(bars);
      const runs: Array<{ source: string; run: SyncRunResult }> = [];
      const busy: SourceBusyError[] = [];
      try {
        await Promise.all(
          sources.map(async (s) => {
            const record = await bridge.store.getSource(s.id);
            const mode = opts.full || record?.lastFull?.result !== 'ok' ? 'full' : 'incremental';
            try {
              const run = await bridge.engine.run(s.id, mode, {
                signal: controller.signal,
                allowMassDelete: opts.allowMassDelete ?? false,
                ...(opts.force ? { force: true } : {}),
              });
              runs.push({ source: s.id, run });
            } catch (err) {
              if (!(err instanceof SourceBusyError)) throw err;
              busy.push(err);
            }
          }),
        );
      } finally {
        sink.direct();
        bars.stop();
      }
      if (runs.length) process.stdout.write(`\n${formatRunSummary(runs)}\n`);
      for (const err of busy) process.stderr.write(`${CLI_NAME}: ${err.message}\n`);
      await bridge.close();
      if (runs.some((r) => r.run.result === 'failed')) process.exit(EXIT_FAILED);
      if (busy.length) process.exit(EXIT_BUSY);
      if (stoppedBy || runs.some((r) => r.run.result !== 'ok'))
        process.exit(EXIT_SIGNAL[stoppedBy ?? ''] ?? EXIT_FAILED);
      process.exit(EXIT_OK);
    });

  program
    .command('check')
    .description(
      'check each source stage by stage (DNS, TCP, TLS, api.php, credentials, IP, role, a sample) with at most one login; exit 1 if any fails, 2 if the configuration is wrong',
    )
    .option('-s, --source <id>', 'only this source')
    .option('--json', 'print the reports as JSON (an array, one per source)')
    .option(
      '--force',
      'send a credential WHMCS refused once more (never more than one failed login per source per 15 minutes)',
    )
    .action(async (opts: { source?: string; json?: boolean; force?: boolean }) => {
      const path = configPath();
      const result = await checkConfig({
        ...(path ? { path } : {}),
        ...(opts.source ? { source: opts.source } : {}),
        ...(opts.force ? { force: true } : {}),
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
    .command('rotate-sources-key')
    .description(
      're-seal the secrets of every source managed through the API under a new key, in one transaction (stop the bridge first; then set managedSources.key to the new key and previousKey to the old one)',
    )
    .option('--new-key-env <name>', 'the environment variable holding the new key (32 bytes, base64 or hex)')
    .option('--new-key-file <path>', 'a file holding the new key')
    .action(async (opts: { newKeyEnv?: string; newKeyFile?: string }) => {
      const result = await rotateSourcesKey(config(configPath()), opts);
      process.stdout.write(
        `re-sealed ${result.count} managed source secret(s) from key ${result.from} to key ${result.to}: now set managedSources.key to the new key and managedSources.previousKey to the old one\n`,
      );
    });

  program
    .command('config')
    .description('configuration commands')
    .command('print')
    .description('print the effective configuration, every secret redacted')
    .action(() => {
      const cfg = config(configPath());
      for (const warning of cfg.warnings) process.stderr.write(`warning: ${warning}\n`);
      process.stdout.write(`${JSON.stringify(redactedConfig(cfg), null, 2)}\n`);
    });

  const { demo } = options;
  if (demo) {
    program
      .command('demo')
      .description('run against two simulated WHMCS installs (what `pnpm start` does with no configuration)')
      .option('-p, --port <port>', 'listen port (default $PORT or 8787)', port)
      .option(
        '--data-dir <dir>',
        "the demo's data directory, emptied at every start (only an empty one, or one the demo made)",
        './data/demo',
      )
      .action((opts: { port?: number; dataDir: string }) =>
        demo(opts.port ?? readEnv().PORT ?? 8787, opts.dataDir),
      );
  }

  program
    .command('start', { hidden: true })
    .description('serve with the configuration if there is one, else run the demo (in a checkout)')
    .option(
      '--data-dir <dir>',
      "the demo's data directory, emptied at every start (only an empty one, or one the demo made)",
      './data/demo',
    )
    .action((opts: { dataDir: string }) => {
      const env = readEnv();
      if (configPath() || env.BRIDGE_CONFIG || !demo) return serve(configPath());
      return demo(env.PORT ?? 8787, opts.dataDir);
    });

  return program;
}

export async function main(argv: string[] = process.argv, options: ProgramOptions = {}): Promise<void> {
  try {
    await buildProgram(options).parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${CLI_NAME}: configuration error: ${err.message}\n`);
      process.exit(EXIT_USAGE);
    }
    if (err instanceof DataDirLockedError) {
      process.stderr.write(`${CLI_NAME}: ${err.message}\n`);
      process.exit(EXIT_BUSY);
    }
    if (err instanceof PortInUseError || err instanceof NotADemoDirError) {
      process.stderr.write(`${CLI_NAME}: ${err.message}\n`);
      process.exit(EXIT_USAGE);
    }
    process.stderr.write(`${CLI_NAME}: ${(err as Error).message}\n`);
    process.exit(EXIT_FAILED);
  }
}

let ran = false;

/**
 * Runs the CLI, once per process: a bundle of dev-main.ts holds this module too, and there both
 * are the program node was started with.
 */
export function runOnce(options: ProgramOptions = {}): void {
  if (ran) return;
  ran = true;
  void main(process.argv, options);
}

// Deferred, so that an entry importing this module (dev-main.ts, with the demo) runs first.
if (isEntryPoint(import.meta.url)) setImmediate(() => runOnce());
