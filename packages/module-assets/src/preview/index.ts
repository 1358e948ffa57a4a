export {
  type ModulePreview,
  type ModulePreviewOptions,
  PREVIEW_CSP,
  serveModulePreview,
} from './serve-preview.ts';
