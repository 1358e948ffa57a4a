/**
 * The WHMCS wire kit: how WHMCS writes its answers and reads its requests, for whatever has to
 * speak WHMCS (the simulator, the bridge's WHMCS facade). `@forecaster/whmcs-client/wire`.
 *
 * @example
 * import { encodeResult, errorResult, WHMCS_MESSAGES } from '@forecaster/whmcs-client/wire';
 * encodeResult('json', errorResult(WHMCS_MESSAGES.ipBanned), { versionText: '8.12.1', action: '' });
 */
export { BanList, type BanRule, WHMCS_BAN_RULE } from './ban.ts';
export { type Admission, admit, type GateCredential, type GateHolder, type Refusal } from './gatekeeper.ts';
export { classifyWhmcsMessage, WHMCS_MESSAGES, type WhmcsMessageKind } from './messages.ts';
export { encodeNvp } from './nvp.ts';
export { encodePhpJson, encodePhpJsonBytes } from './php-json.ts';
export { normalizeIp, readParams } from './request-params.ts';
export {
  encodeResult,
  errorResult,
  getInvoicesResult,
  type ResponseFormat,
  requestedFormat,
} from './response-format.ts';
export { encodeWhmcsXml } from './xml.ts';
