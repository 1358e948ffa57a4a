import { DEFAULT_LISTEN } from '../config/defaults.ts';
import { storeOptions } from '../config/store.ts';
import { type BridgeConfig, ConfigError, type LoadOptions, loadConfig } from '../config.ts';
import { docsBase } from '../docs/docs-base.ts';
import { openStore } from '../store/open.ts';
import { type CheckSourceOptions, checkSource } from './check-source.ts';
import { type CheckReport, CONFIGURATION_SOURCE, completeReport, flagged } from './report.ts';

export interface CheckConfigOptions extends LoadOptions, Omit<CheckSourceOptions, 'docsBaseUrl'> {
  /** Only this source (`--source`); an unknown id is a configuration error. */
  source?: string;
}

export interface CheckConfigResult {
  /** One report per checked source, in the configuration's order; one `config` failure when the configuration could not be used. */
  reports: CheckReport[];
  /** True when no source failed (warnings allowed). */
  ok: boolean;
  /** Set when the configuration (or `--source`) could not be used, so nothing was checked. */
  configError?: { key: string; message: string };
}

/**
 * Loads the configuration and checks every source (or the one asked for), all at once: each is
 * a different WHMCS. A configuration that cannot be loaded becomes a report with a failed
 * `config` stage naming the bad key, and nothing is sent anywhere.
 *
 * @example
 * const { ok, reports } = await checkConfig({ path: 'bridge.json', source: 'eu' });
 */
export async function checkConfig(options: CheckConfigOptions = {}): Promise<CheckConfigResult> {
  let config: BridgeConfig;
  try {
    config = loadConfig(options);
    if (options.source !== undefined && !config.sources.some((s) => s.id === options.source)) {
      throw new ConfigError(
        '--source',
        `no source "${options.source}" (configured: ${config.sources.map((s) => s.id).join(', ') || 'none'})`,
      );
    }
    if (config.sources.length === 0) throw new ConfigError('sources', 'no source is configured');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const report = completeReport({ source: CONFIGURATION_SOURCE, url: '' }, [
      flagged('config', 'failed', 'config_invalid', err.message, docsBase({ listen: DEFAULT_LISTEN })),
    ]);
    return { reports: [report], ok: false, configError: { key: err.key, message: err.message } };
  }

  const { path: _path, env: _env, fallback: _fallback, source: only, ...checkOptions } = options;
  const sources = config.sources
    .map((source, index) => ({ source, index }))
    .filter(({ source }) => only === undefined || source.id === only);
  // The store's login gate remembers what WHMCS refused, for this check and every other path.
  const store = options.gate ? undefined : await openStore(storeOptions(config.store, config.dataDir));
  const gate = options.gate ?? store!.loginGate;
  try {
    const reports = await Promise.all(
      sources.map(async ({ source, index }) =>
        withConfigWarnings(
          await checkSource(source, { ...checkOptions, gate, docsBaseUrl: docsBase(config) }),
          config.warnings,
          `sources[${index}].`,
        ),
      ),
    );
    return { reports, ok: reports.every((report) => report.ok) };
  } finally {
    await store?.close();
  }
}

/**
 * Adds the loader's warnings about this source (an inline secret, say) to its `config` stage.
 * White space around a secret is left out: the check itself fails on it.
 */
function withConfigWarnings(report: CheckReport, warnings: readonly string[], prefix: string): CheckReport {
  const notes = warnings.filter((w) => w.startsWith(prefix) && !/white space/.test(w));
  if (notes.length === 0) return report;
  return {
    ...report,
    stages: report.stages.map((stage) =>
      stage.id === 'config' && stage.status === 'passed'
        ? { ...stage, detail: `${stage.detail} Note: ${notes.join('; ')}.` }
        : stage,
    ),
  };
}
