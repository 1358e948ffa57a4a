/**
 * Compares two WHMCS versions numerically (`8.10` is newer than `8.9`). Only the parts both name are
 * compared, so `8.9.0` equals `8.9`.
 *
 * @example
 * compareWhmcsVersions('8.10', '8.9'); // 1
 * compareWhmcsVersions('7.4', '7.7'); // -1
 */
export function compareWhmcsVersions(a: string, b: string): -1 | 0 | 1 {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference > 0 ? 1 : -1;
  }
  return 0;
}

/**
 * The newest of some WHMCS versions.
 *
 * @example
 * newestWhmcsVersion(['7.2', '7.10', '7.4']); // '7.10'
 */
export function newestWhmcsVersion(versions: readonly string[]): string | undefined {
  return versions.reduce<string | undefined>(
    (newest, version) =>
      newest === undefined || compareWhmcsVersions(version, newest) > 0 ? version : newest,
    undefined,
  );
}
