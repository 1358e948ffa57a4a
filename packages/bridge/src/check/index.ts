export { type CheckConfigOptions, type CheckConfigResult, checkConfig } from './check-config.ts';
export { type CheckSourceOptions, checkSource } from './check-source.ts';
export { type FormatOptions, formatCheckReport } from './format.ts';
export { type Lookup, systemLookup } from './network.ts';
export {
  CHECK_STAGE_IDS,
  CHECK_STAGE_TITLES,
  type CheckReport,
  type CheckStage,
  type CheckStageId,
  CONFIGURATION_SOURCE,
  checkReportSchema,
  checkStageSchema,
} from './report.ts';
export { type CheckResult, type CheckRunner, createCheckRunner } from './runner.ts';
