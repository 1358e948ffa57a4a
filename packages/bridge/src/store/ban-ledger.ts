/** WHMCS's failed-login ban: `threshold` failures within `windowMs` ban an address for `durationMs`. */
export interface BanRule {
  threshold: number;
  windowMs: number;
  durationMs: number;
}

/**
 * The facade's failed logins and bans by caller address, kept in the store so that a restart
 * does not lift a ban (WHMCS keeps its ban list in its database too).
 */
export interface BanLedger {
  /** True while `ip` is banned. */
  isBanned(ip: string, nowMs: number): Promise<boolean>;
  /** Records a failed login; true when it bans the address. */
  recordFailure(ip: string, nowMs: number, rule: BanRule): Promise<boolean>;
}
