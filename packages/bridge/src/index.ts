export { createApp, ERROR_STATUS, openApiDocument } from './api/index.ts';
export { type Bridge, type BridgeOptions, createBridge, VERSION } from './bridge.ts';
export {
  type CheckReport,
  type CheckResult,
  checkConfig,
  checkReportSchema,
  checkSource,
  formatCheckReport,
} from './check/index.ts';
export {
  type BridgeConfig,
  type BridgeConfigFile,
  bridgeConfigSchema,
  bridgeEnvSchema,
  ConfigError,
  durationSchema,
  loadConfig,
  redactedConfig,
  type SourceConfig,
  sourceConfigSchema,
} from './config.ts';
export { createFacade, type FacadeDeps } from './facade/index.ts';
export { openSqliteStore } from './store/index.ts';
export type { Store } from './store/types.ts';
export { SyncEngine } from './sync/engine.ts';
export type { SyncController, SyncProgress } from './sync/types.ts';
