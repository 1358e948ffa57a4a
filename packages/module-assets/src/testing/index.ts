export { adminChrome, blendLookCss, bootstrapCss } from './admin-chrome.ts';
export { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium } from './chromium.ts';
export {
  type HarnessLogEntry,
  type HarnessState,
  type ModuleSettings,
  phpAvailable,
  startWhmcsHarness,
  type WhmcsHarness,
} from './whmcs-harness.ts';
