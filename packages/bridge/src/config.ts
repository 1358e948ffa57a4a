/*
 * The bridge's configuration: one zod schema for the JSON file (config/schema.ts), environment
 * overrides (config/env.ts), parsed once at start (config/load.ts). Secrets are references
 * ({ env } or { file }); an inline secret is allowed with a warning. A bad value fails fast,
 * naming its key.
 */
export { type BridgeEnv, bridgeEnvSchema } from './config/env.ts';
export { ConfigError } from './config/errors.ts';
export { type LoadOptions, loadConfig } from './config/load.ts';
export { isLoopback } from './config/loopback.ts';
export { redactedConfig } from './config/redact.ts';
export {
  type BridgeConfigFile,
  bridgeConfigSchema,
  durationSchema,
  type FacadeConfigInput,
  facadeConfigSchema,
  type SourceConfigInput,
  sourceConfigSchema,
} from './config/schema.ts';
export { type SecretRef, secretRefSchema } from './config/secret-ref.ts';
export type {
  BridgeConfig,
  FacadeConfig,
  FacadeCredential,
  SourceConfig,
  TokenConfig,
} from './config/types.ts';
export { sha256 } from './sha256.ts';
