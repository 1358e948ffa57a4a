import { z } from 'zod';
import { DIAGNOSTIC_CODES, GUIDE_STEP_IDS, MOCKUP_IDS, UNKNOWN_DIAGNOSTIC_CODE } from './ids.ts';
import { newestWhmcsVersion } from './whmcs-version.ts';

/**
 * `[[step-id]]` in text refers to a guide step; renderers turn it into a link or the step's title.
 * Each match carries the id in group 1.
 */
export const STEP_REFERENCE = /\[\[([a-z0-9-]+)\]\]/g;

function isStepId(id: string): boolean {
  return (GUIDE_STEP_IDS as readonly string[]).includes(id);
}

/**
 * Text shown to readers: plain prose in which `backticks` mark literal values (commands, settings,
 * error messages), which renderers turn into code spans or drop, and `[[step-id]]` refers to a guide
 * step. `{{` is refused because VitePress reads it as a Vue interpolation and the page would not build.
 */
export const inlineTextSchema = z
  .string()
  .min(1)
  .refine(
    (text) => [...text.matchAll(STEP_REFERENCE)].every((match) => isStepId(match[1]!)),
    'a [[step-id]] reference names a step that does not exist',
  )
  .refine((text) => text === text.trim(), 'no leading or trailing whitespace')
  .refine((text) => (text.match(/`/g)?.length ?? 0) % 2 === 0, 'unbalanced backtick')
  .refine((text) => !text.includes('{{'), '`{{` breaks VitePress pages');

export const guideStepIdSchema = z.enum(GUIDE_STEP_IDS);
export const mockupIdSchema = z.enum(MOCKUP_IDS);
export const diagnosticCodeSchema = z.enum(DIAGNOSTIC_CODES);

const paragraphBlockSchema = z.strictObject({
  type: z.literal('paragraph'),
  text: inlineTextSchema,
});

const listBlockSchema = z.strictObject({
  type: z.literal('list'),
  /** Ordered lists are steps to follow in turn; unordered ones are options or facts. */
  ordered: z.boolean(),
  items: z.array(inlineTextSchema).min(1),
});

const fieldsBlockSchema = z.strictObject({
  type: z.literal('fields'),
  caption: inlineTextSchema.optional(),
  rows: z
    .array(
      z.strictObject({
        /** The label exactly as WHMCS (or the bridge config) shows it. */
        field: inlineTextSchema,
        value: inlineTextSchema,
        note: inlineTextSchema.optional(),
      }),
    )
    .min(1),
});

const calloutBlockSchema = z.strictObject({
  type: z.literal('callout'),
  kind: z.enum(['note', 'warning', 'tip']),
  text: inlineTextSchema,
});

const codeBlockSchema = z.strictObject({
  type: z.literal('code'),
  language: z.enum(['sh', 'php', 'json', 'text']),
  code: z
    .string()
    .min(1)
    .refine((code) => !code.endsWith('\n'), 'no trailing newline'),
  caption: inlineTextSchema.optional(),
});

const imageBlockSchema = z.strictObject({
  type: z.literal('image'),
  mockupId: mockupIdSchema,
  /** Says what the picture shows and what to do in it, for readers who cannot see it. */
  alt: inlineTextSchema.refine((alt) => !alt.includes('`'), 'alt text is read aloud: no code spans'),
  caption: inlineTextSchema.optional(),
});

export const guideBlockSchema = z.discriminatedUnion('type', [
  paragraphBlockSchema,
  listBlockSchema,
  fieldsBlockSchema,
  calloutBlockSchema,
  codeBlockSchema,
  imageBlockSchema,
]);

export const guideStepSchema = z.strictObject({
  id: guideStepIdSchema,
  title: inlineTextSchema,
  /**
   * `required`: part of every setup. `optional`: an alternative some setups take. `reference`:
   * background to read when it applies. `maintenance`: done later, not at setup.
   */
  kind: z.enum(['required', 'optional', 'reference', 'maintenance']),
  /** One sentence for tables of contents and the CLI's step list. */
  summary: inlineTextSchema,
  /** Where the screen is in WHMCS 8's admin area; empty when the step happens outside WHMCS. */
  menuPath: z.array(inlineTextSchema),
  /** The same place in WHMCS 7.x, where the menus differ. */
  menuPathLegacy: z.array(inlineTextSchema).optional(),
  body: z.array(guideBlockSchema).min(1),
  /** How the reader knows the step worked. */
  verify: inlineTextSchema,
});

export const guideSchema = z
  .strictObject({
    title: inlineTextSchema,
    intro: z.array(inlineTextSchema).min(1),
    steps: z.array(guideStepSchema),
  })
  .refine(
    (guide) =>
      guide.steps.length === GUIDE_STEP_IDS.length &&
      guide.steps.every((step, index) => step.id === GUIDE_STEP_IDS[index]),
    { message: `steps must be exactly, in order: ${GUIDE_STEP_IDS.join(', ')}`, path: ['steps'] },
  );

const versionSchema = z.string().regex(/^\d+\.\d+$/, 'a WHMCS version such as 7.4');

const whmcsRequirementsSchema = z
  .strictObject({
    /** The oldest WHMCS the setup guide works on. */
    minimumVersion: versionSchema,
    /** The oldest WHMCS on which every feature the bridge uses is there. */
    recommendedVersion: versionSchema,
    features: z
      .array(
        z.strictObject({
          id: z.enum(['api-credentials', 'api-roles', 'getinvoices-orderby']),
          since: versionSchema,
          required: z.boolean(),
          why: inlineTextSchema,
        }),
      )
      .min(1),
  })
  // The versions are derived facts; checking them here keeps them from drifting from the feature list.
  .refine(
    (whmcs) =>
      whmcs.minimumVersion ===
      newestWhmcsVersion(
        whmcs.features.filter((feature) => feature.required).map((feature) => feature.since),
      ),
    {
      message: 'minimumVersion must be the newest `since` of the required features',
      path: ['minimumVersion'],
    },
  )
  .refine(
    (whmcs) =>
      whmcs.recommendedVersion === newestWhmcsVersion(whmcs.features.map((feature) => feature.since)),
    {
      message: 'recommendedVersion must be the newest `since` of all features',
      path: ['recommendedVersion'],
    },
  );

export const requirementsSchema = z.strictObject({
  whmcs: whmcsRequirementsSchema,
  requiredApiActions: z.tuple([z.literal('GetInvoices')]),
  adminRole: z.literal('Support Operator'),
  guideSteps: z.array(guideStepIdSchema).min(1),
  network: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case'),
        summary: inlineTextSchema,
        detail: inlineTextSchema,
        guideStep: guideStepIdSchema,
      }),
    )
    .min(1),
});

export const diagnosticSchema = z
  .strictObject({
    code: z.union([diagnosticCodeSchema, z.literal(UNKNOWN_DIAGNOSTIC_CODE)]),
    severity: z.enum(['error', 'warning']),
    title: inlineTextSchema,
    /** What happened, in the reader's terms. */
    meaning: inlineTextSchema,
    /** What to do, in order. */
    fix: z.array(inlineTextSchema).min(1),
    /** The guide step that sets up what failed. */
    guideStep: guideStepIdSchema,
    /** The heading anchor on the troubleshooting page: the code itself, so links never drift. */
    docsAnchor: z.string(),
  })
  .refine((entry) => entry.docsAnchor === entry.code, {
    message: 'docsAnchor must equal code',
    path: ['docsAnchor'],
  });

export const diagnosticsSchema = z
  .array(diagnosticSchema)
  .refine(
    (entries) =>
      entries.length === DIAGNOSTIC_CODES.length &&
      entries.every((entry, index) => entry.code === DIAGNOSTIC_CODES[index]),
    { message: `entries must be exactly, in order: ${DIAGNOSTIC_CODES.join(', ')}` },
  );

export const mockupSchema = z.strictObject({
  /** What the screen is, for captions and lists of figures. */
  title: inlineTextSchema,
  /** A standalone SVG document. */
  svg: z.string().startsWith('<svg '),
});

export type GuideBlock = z.infer<typeof guideBlockSchema>;
export type GuideStep = z.infer<typeof guideStepSchema>;
export type Guide = z.infer<typeof guideSchema>;
export type Requirements = z.infer<typeof requirementsSchema>;
export type Diagnostic = z.infer<typeof diagnosticSchema>;
export type Mockup = z.infer<typeof mockupSchema>;
