import { DIAGNOSTIC_CODES, type DiagnosticCode, diagnosticFor, docsLink } from '@forecaster/module-assets';
import { z } from '@hono/zod-openapi';

/*
 * The shape of `forecaster-bridge check`'s answer, once: the CLI prints it, `--json` emits it, and the HTTP
 * API serves it. Built with zod-openapi's `z` so that the route can name it as a component.
 */

/** The stages, in the order they run. Each one needs the previous ones to have passed. */
export const CHECK_STAGE_IDS = [
  'config',
  'dns',
  'tcp',
  'tls',
  'whmcs',
  'credentials',
  'ip',
  'permission',
  'least_privilege',
  'sample',
] as const;
export type CheckStageId = (typeof CHECK_STAGE_IDS)[number];

/** What each stage verifies, as a person reads it in the checklist. */
export const CHECK_STAGE_TITLES: Readonly<Record<CheckStageId, string>> = {
  config: 'The configuration is valid',
  dns: 'The host name resolves',
  tcp: 'A TCP connection opens',
  tls: 'The TLS certificate and host name verify',
  whmcs: 'api.php answers like WHMCS',
  credentials: 'WHMCS accepts the credentials',
  ip: 'WHMCS allows this host’s address',
  permission: 'The API role allows GetInvoices',
  least_privilege: 'The credential can do nothing more',
  sample: 'A sample of invoices can be read',
};

export const checkStageSchema = z
  .object({
    id: z.enum(CHECK_STAGE_IDS),
    title: z.string(),
    /** `warning` passes (the bridge works) but deserves attention; `skipped` did not run. */
    status: z.enum(['passed', 'failed', 'warning', 'skipped']),
    /** What was found, in a sentence or two. Never a secret. */
    detail: z.string(),
    /** For a failure or a warning: its troubleshooting code. */
    code: z.enum(DIAGNOSTIC_CODES).optional(),
    /** For a failure or a warning: what to do, in order, from the diagnostics catalogue. */
    fix: z.array(z.string()).optional(),
    /** For a failure or a warning: its section of the troubleshooting page. */
    docsUrl: z.string().optional(),
  })
  .openapi('CheckStage');
export type CheckStage = z.infer<typeof checkStageSchema>;

/**
 * One source's check: every stage in order, each failure or warning with its code, fix steps and
 * docs link. Never holds a secret.
 *
 * @example
 * const reports = z.array(checkReportSchema).parse(JSON.parse(stdoutOfBridgeCheckJson));
 */
export const checkReportSchema = z
  .object({
    /** The source's id; `(configuration)` when the configuration itself could not be loaded. */
    source: z.string(),
    /** The resolved `includes/api.php` URL; empty when the configuration could not say. */
    url: z.string(),
    /** True when no stage failed; warnings allowed. */
    ok: z.boolean(),
    /** Every stage, in order, whether it ran or not. */
    stages: z.array(checkStageSchema),
    /** The address WHMCS saw, when it named one (`Invalid IP x`). */
    seenIp: z.string().optional(),
    /** This host's addresses that could reach WHMCS: the one the TCP check left from first. */
    outgoingAddresses: z.array(z.string()).optional(),
  })
  .openapi('CheckReport', {
    example: {
      source: 'eu',
      url: 'https://billing.example.com/includes/api.php',
      ok: false,
      stages: [
        {
          id: 'ip',
          title: CHECK_STAGE_TITLES.ip,
          status: 'failed',
          detail: 'WHMCS refused the address it saw, 203.0.113.9.',
          code: 'ip_not_allowed',
          fix: ['Add exactly that address to the API IP Access Restriction list.'],
          docsUrl: 'http://127.0.0.1:8787/docs/troubleshooting#ip_not_allowed',
        },
      ],
      seenIp: '203.0.113.9',
      outgoingAddresses: ['203.0.113.9'],
    },
  });
export type CheckReport = z.infer<typeof checkReportSchema>;

/** The source name used in a report about a configuration that could not be loaded. */
export const CONFIGURATION_SOURCE = '(configuration)';

export function passed(id: CheckStageId, detail: string): CheckStage {
  return { id, title: CHECK_STAGE_TITLES[id], status: 'passed', detail };
}

export function skipped(id: CheckStageId, detail: string): CheckStage {
  return { id, title: CHECK_STAGE_TITLES[id], status: 'skipped', detail };
}

/** A failure or warning, with its fix steps and docs link from the diagnostics catalogue. */
export function flagged(
  id: CheckStageId,
  status: 'failed' | 'warning',
  code: DiagnosticCode,
  detail: string,
  docsBaseUrl: string,
): CheckStage {
  return {
    id,
    title: CHECK_STAGE_TITLES[id],
    status,
    detail,
    code,
    fix: [...diagnosticFor(code).fix],
    docsUrl: docsLink(code, docsBaseUrl),
  };
}

/**
 * Completes a report from the stages that ran: every stage not given is `skipped`, with the
 * reason the first failure gives.
 */
export function completeReport(
  base: { source: string; url: string; seenIp?: string; outgoingAddresses?: string[] },
  ran: readonly CheckStage[],
): CheckReport {
  const byId = new Map(ran.map((stage) => [stage.id, stage]));
  const failure = ran.find((stage) => stage.status === 'failed');
  const stages = CHECK_STAGE_IDS.map(
    (id) =>
      byId.get(id) ?? skipped(id, failure ? `Not checked: “${failure.title}” failed first.` : 'Not checked.'),
  );
  return {
    source: base.source,
    url: base.url,
    ok: !stages.some((stage) => stage.status === 'failed'),
    stages,
    ...(base.seenIp ? { seenIp: base.seenIp } : {}),
    ...(base.outgoingAddresses?.length ? { outgoingAddresses: base.outgoingAddresses } : {}),
  };
}
