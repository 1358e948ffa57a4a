export { diagnosticFor, diagnostics, isDiagnosticCode, unknownDiagnostic } from './diagnostics.ts';
export { guideStep, isGuideStepId, setupGuide } from './guide.ts';
export type { DiagnosticCode, GuideStepId, MockupId } from './ids.ts';
export {
  BRIDGE_CONFIG,
  DIAGNOSTIC_CODES,
  GUIDE_STEP_IDS,
  MOCKUP_IDS,
  UNKNOWN_DIAGNOSTIC_CODE,
} from './ids.ts';
export { docsLink, guideLink } from './links.ts';
export { mockups } from './mockups.ts';
export {
  ANSWER_TYPES,
  LEDGER_FIELDS,
  MODULE_NAME,
  MODULE_TITLE,
  MODULE_VERSION,
  type Operation,
  type OperationParam,
  operation,
  operationSchema,
  operations,
  SOURCE_FIELDS,
  UPLOAD_LIMITS,
} from './module/operations.ts';
export { renderPhpOperations } from './module/php-source.ts';
export { PROXY_ERRORS, type ProxyErrorCode } from './module/proxy-errors.ts';
export { proxyError, type ResolvedCall, resolveCall } from './module/resolve-call.ts';
export { renderGuideMarkdown, renderTroubleshootingMarkdown } from './render-markdown.ts';
export { renderDiagnosticText, renderGuideText } from './render-text.ts';
export { requirements } from './requirements.ts';
export type { Diagnostic, Guide, GuideBlock, GuideStep, Mockup, Requirements } from './schemas.ts';
export {
  diagnosticSchema,
  diagnosticsSchema,
  guideBlockSchema,
  guideSchema,
  guideStepSchema,
  mockupSchema,
  requirementsSchema,
} from './schemas.ts';
export { compareWhmcsVersions } from './whmcs-version.ts';
