import { diagnostics } from '../diagnostics.ts';
import { setupGuide } from '../guide.ts';
import type { GuideStepId } from '../ids.ts';
import type { GuideStep } from '../schemas.ts';

/*
 * The setup guide as the bundle carries it: plain data computed at build time (see build-module.ts),
 * so the page shows the guide's own steps without shipping its schemas. The drawings are files
 * beside the bundle (mockups/<id>.svg).
 */

export interface GuideData {
  steps: Record<string, GuideStep>;
  /** Diagnostic code -> the guide step that sets up what failed. */
  stepFor: Record<string, GuideStepId>;
}

/** Builds the data; runs in Node during the build, never in the browser. */
export function guideData(): GuideData {
  return {
    steps: Object.fromEntries(setupGuide.steps.map((s) => [s.id, s])),
    stepFor: Object.fromEntries(diagnostics.map((d) => [d.code, d.guideStep])),
  };
}
