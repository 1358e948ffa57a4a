import type { BridgeConfig } from '../config.ts';
import { docsBase } from '../docs/docs-base.ts';
import type { LoginGate } from '../store/login-gate.ts';
import { checkSource } from './check-source.ts';
import type { CheckReport } from './report.ts';

export interface CheckResult {
  report: CheckReport;
  /** When the checks ran (ISO, UTC). */
  checkedAt: string;
  /** True when this is the last run's report, answered again within the cooldown. */
  cached: boolean;
}

export type CheckRunner = (
  sourceId: string,
  options?: { force?: boolean },
) => Promise<CheckResult | undefined>;

/**
 * Runs `checkSource` for the API, ban-safely: one run per source at a time, and a run's report
 * is answered again for `cooldownMs` instead of calling WHMCS, so that a dashboard polling the
 * endpoint cannot turn a wrong secret into a ban (three failures in 30 minutes). The cache only
 * spares WHMCS calls; what guarantees the ban never comes is the store's login gate, which every
 * run asks first (a refused credential is not sent again, one failed login per 15 minutes).
 */
export function createCheckRunner(
  config: BridgeConfig,
  gate: LoginGate,
  options: { cooldownMs?: number; clock?: () => Date } = {},
): CheckRunner {
  const cooldownMs = options.cooldownMs ?? 60_000;
  const clock = options.clock ?? (() => new Date());
  const last = new Map<string, { result: CheckResult; at: number }>();
  const running = new Map<string, Promise<CheckResult>>();
  return async (sourceId, runOptions = {}) => {
    const source = config.sources.find((s) => s.id === sourceId);
    if (!source) return undefined;
    const previous = last.get(sourceId);
    if (previous && !runOptions.force && clock().getTime() - previous.at < cooldownMs)
      return { ...previous.result, cached: true };
    let run = running.get(sourceId);
    if (!run) {
      run = checkSource(source, {
        docsBaseUrl: docsBase(config),
        gate,
        ...(runOptions.force ? { force: true } : {}),
      })
        .then((report) => {
          const result = { report, checkedAt: clock().toISOString(), cached: false };
          last.set(sourceId, { result, at: clock().getTime() });
          return result;
        })
        .finally(() => running.delete(sourceId));
      running.set(sourceId, run);
    }
    return run;
  };
}
