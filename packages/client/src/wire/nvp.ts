/**
 * The deprecated name-value-pair format: `result=error;message=Authentication Failed`. WHMCS echoes
 * each top-level pair; a nested value prints as PHP's string conversion of an array, `Array`.
 *
 * @example encodeNvp({ result: 'error', message: 'IP Banned' }) // 'result=error;message=IP Banned'
 */
export function encodeNvp(result: Record<string, unknown>): string {
  return Object.entries(result)
    .map(([key, value]) => {
      if (value !== null && typeof value === 'object') return `${key}=Array`;
      if (value === null || value === undefined || value === false) return `${key}=`;
      return `${key}=${value === true ? '1' : String(value)}`;
    })
    .join(';');
}
