import { z } from 'zod';
import { ConfigError } from './errors.ts';

/*
 * The environment variables the bridge reads, in one schema, read in one place (`readEnv`).
 * An empty variable counts as unset, as shells and unit files often leave them.
 */

const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfEmpty, schema.optional());

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

export const portSchema = z.coerce
  .number({ error: 'a port number (0-65535)' })
  .int('a port number (0-65535)')
  .min(0, 'a port number (0-65535)')
  .max(65_535, 'a port number (0-65535)');

export const bridgeEnvSchema = z.object({
  BRIDGE_CONFIG: optional(z.string()).meta({
    description: 'The configuration file, when `--config` is not given.',
  }),
  PORT: optional(portSchema).meta({ description: "Overrides `listen.port`; the demo's port too." }),
  BRIDGE_HOST: optional(z.string()).meta({ description: 'Overrides `listen.host`.' }),
  BRIDGE_DATA_DIR: optional(z.string()).meta({ description: 'Overrides `dataDir`.' }),
  BRIDGE_LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `one of ${LOG_LEVELS.join(', ')}` })).meta({
    description: 'Overrides `log.level`.',
  }),
  BRIDGE_TOKEN: optional(z.string()).meta({ description: "One more API token (the demo's token when set)." }),
  BRIDGE_TOKENS_FILE: optional(z.string()).meta({
    description: 'A file of API tokens, one per line (`#` starts a comment).',
  }),
});
export type BridgeEnv = z.infer<typeof bridgeEnvSchema>;

/** Parses the bridge's environment variables; throws a ConfigError naming the first bad one. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): BridgeEnv {
  const parsed = bridgeEnvSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const variable = String(issue.path[0]);
  throw new ConfigError(variable, `"${env[variable]}" is not ${issue.message}`);
}
