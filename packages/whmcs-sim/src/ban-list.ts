/**
 * WHMCS's failed-login ban: `threshold` authentication failures from one IP within `windowMs` ban
 * that IP for `banMs`. Times come from the simulator's clock, so tests move time instead of waiting.
 */
export class BanList {
  private readonly failures = new Map<string, number[]>();
  private readonly bans = new Map<string, number>();

  constructor(private readonly settings: { threshold: number; windowMs: number; banMs: number }) {}

  isBanned(ip: string, nowMs: number): boolean {
    const until = this.bans.get(ip);
    if (until === undefined) return false;
    if (nowMs < until) return true;
    this.bans.delete(ip);
    return false;
  }

  /** Records a failure; returns true when it triggered a ban. */
  recordFailure(ip: string, nowMs: number): boolean {
    const recent = (this.failures.get(ip) ?? []).filter((at) => nowMs - at < this.settings.windowMs);
    recent.push(nowMs);
    if (recent.length >= this.settings.threshold) {
      this.failures.delete(ip);
      this.bans.set(ip, nowMs + this.settings.banMs);
      return true;
    }
    this.failures.set(ip, recent);
    return false;
  }

  unban(ip: string): void {
    this.bans.delete(ip);
    this.failures.delete(ip);
  }

  banned(nowMs: number): string[] {
    return [...this.bans.keys()].filter((ip) => this.isBanned(ip, nowMs));
  }
}
