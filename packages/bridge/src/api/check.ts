import { z } from '@hono/zod-openapi';
import { checkReportSchema } from '../check/report.ts';
import type { AppDeps } from './deps.ts';
import { errorResponses } from './error-schema.ts';
import { ApiError } from './errors.ts';
import { sourceIdParamsSchema } from './params.ts';
import { createRouter, v1Route } from './router.ts';

export const checkResultSchema = z
  .object({
    data: checkReportSchema,
    checkedAt: z.string().openapi({ description: 'When the checks ran (ISO 8601, UTC)' }),
    cached: z.boolean().openapi({
      description:
        'True when the report of a run within the last minute is answered again instead of calling WHMCS: repeated failed logins would get the bridge banned',
    }),
  })
  .openapi('CheckResult');

const runCheck = v1Route({
  method: 'get',
  path: '/{id}/check',
  tags: ['Sources'],
  summary: "Check a source's setup, stage by stage (what `forecaster-bridge check` prints)",
  description:
    'Configuration, DNS, TCP, TLS, then WHMCS: api.php, credentials, IP allowlist, role, least privilege and a sample page. ' +
    'Stops at the first failure; each failure carries its fix and a docs link. At most one authenticated WHMCS call per run, ' +
    'and at most one run per source per minute. The login gate comes first: a credential WHMCS refused is not sent again ' +
    '(the report fails with `credential_refused`) until the configuration changes or a person forces one retry ' +
    '(`bridge check --force`, `POST /v1/sources/{id}/sync {"force": true}`), and a source makes at most one failed login ' +
    'per 15 minutes. The report names the WHMCS URL and the API identifier (never a secret): every token can read them ' +
    'until tokens have scopes.',
  request: { params: sourceIdParamsSchema },
  responses: {
    200: {
      description: 'The checklist (see `data.ok`: a failed check is still a 200)',
      content: { 'application/json': { schema: checkResultSchema } },
    },
    400: errorResponses[400],
    404: errorResponses[404],
    503: errorResponses[503],
  },
});

/** `/v1/sources/{id}/check`: the setup diagnostics of one source. */
export function checkRoutes(deps: AppDeps) {
  return createRouter().openapi(runCheck, async (c) => {
    const { id } = c.req.valid('param');
    c.var.sources.one(id);
    if (!deps.check) throw new ApiError('unavailable', 'checks are not available in this process');
    const result = await deps.check(id);
    if (!result) throw new ApiError('not_found', `no source "${id}" is configured`);
    return c.json({ data: result.report, checkedAt: result.checkedAt, cached: result.cached }, 200);
  });
}
