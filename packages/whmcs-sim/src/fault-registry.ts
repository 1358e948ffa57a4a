import type { FaultRequest, FaultRule } from './types.ts';

/** Fault rules in the order added; the first that matches (and has uses left) applies. */
export class FaultRegistry {
  private rules: Array<{ rule: FaultRule; left: number }> = [];

  add(rule: FaultRule): void {
    const times = rule.times ?? Number.POSITIVE_INFINITY;
    if (!(times > 0)) throw new RangeError('times must be > 0');
    this.rules.push({ rule, left: times });
  }

  clear(): void {
    this.rules = [];
  }

  /** The rule hitting this request, consuming one of its uses. */
  take(request: FaultRequest): FaultRule | undefined {
    for (const entry of this.rules) {
      if (entry.left <= 0) continue;
      if (entry.rule.match && !entry.rule.match(request)) continue;
      entry.left--;
      return entry.rule;
    }
    return undefined;
  }
}
