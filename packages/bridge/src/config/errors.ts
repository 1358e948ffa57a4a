/** A configuration that cannot be used. `key` names the bad key, e.g. `sources[0].url` or `PORT`. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(key ? `${key}: ${message}` : message);
  }
}
