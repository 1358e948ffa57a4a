import { isIP } from 'node:net';
import { assertTimeZone, resolveApiUrl } from '@forecaster/whmcs-client';
import { z } from 'zod';
import { SCOPES } from '../scopes.ts';
import { DEFAULT_LISTEN } from './defaults.ts';
import { isLoopback } from './loopback.ts';
import { secretRefSchema } from './secret-ref.ts';
import { storeConfigSchema } from './store.ts';

/*
 * The configuration file's one zod schema (environment overrides: env.ts). A bad value fails
 * fast, naming its key (issues.ts words it).
 */

const ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** `30s`, `5m`, `24h`, `1d`, or a number of seconds. */
export const durationSchema = z
  .union([
    z.number().positive(),
    z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/, 'a duration like 30s, 5m, 24h or 1d'),
  ])
  .transform((value) => {
    if (typeof value === 'number') return value * 1000;
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(value)!;
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
      m[2] as 'ms' | 's' | 'm' | 'h' | 'd'
    ];
    return Math.round(Number(m[1]) * unit);
  });

/** A minimum for a duration (in ms after the transform): a schedule of 1 ms would hammer WHMCS. */
function atLeast(ms: number, words: string) {
  return z.number().min(ms, `at least ${words}`);
}

export const sourceConfigSchema = z
  .strictObject({
    id: z
      .string()
      .regex(ID, 'lower-case letters, digits, - and _ (at most 63), starting with a letter or digit')
      .meta({
        description:
          "Stable id of the installation; part of every invoice's key. Do not change it once synced.",
      }),
    name: z.string().min(1).optional().meta({ description: 'Display name; defaults to the id.' }),
    url: z
      .string()
      .min(1)
      .meta({ description: 'The WHMCS root or its `includes/api.php` URL (in a subdirectory or not).' }),
    credentials: z
      .union([
        z.strictObject({ identifier: z.string().min(1), secret: secretRefSchema }),
        z.strictObject({ username: z.string().min(1), password: secretRefSchema }),
      ])
      .meta({
        description: 'API identifier and secret, or (WHMCS before 7.2) an admin username and password.',
      }),
    accessKey: secretRefSchema.optional().meta({
      description: "`$api_access_key` from WHMCS's configuration.php: lets calls skip the IP allowlist.",
    }),
    timeZone: z.string().default('UTC').meta({
      description: "IANA zone of the WHMCS server (e.g. `Europe/Berlin`): WHMCS's datetimes carry no zone.",
    }),
    pageSize: z.number().int().min(1).max(1000).default(250).meta({
      description: "Invoices per GetInvoices call. Huge pages can exhaust PHP's memory on the WHMCS side.",
    }),
    concurrency: z.number().int().min(1).max(8).default(2).meta({
      description: 'GetInvoices calls in flight at once: be polite, WHMCS builds every page in memory.',
    }),
    timeoutMs: z
      .number()
      .int()
      .min(1000)
      .max(600_000)
      .default(30_000)
      .meta({ description: 'Time allowed for one call to WHMCS, per attempt, in milliseconds.' }),
    maxResponseBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .max(1024 * 1024 * 1024)
      .optional()
      .meta({
        description:
          "The largest answer read from WHMCS, in bytes (default 32 MB): a larger one fails the call with `response_too_large` instead of filling the bridge's memory. Raise it with pageSize.",
      }),
    sync: z
      .strictObject({
        incrementalEvery: durationSchema.prefault('5m').pipe(atLeast(60_000, '1 minute')).meta({
          description: 'How often to read new invoices and every open one (default 5m, at least 1m).',
        }),
        fullEvery: durationSchema.prefault('24h').pipe(atLeast(3_600_000, '1 hour')).meta({
          description:
            'How often to read every invoice again (default 24h, at least 1h): catches changes to paid ones, and deletions.',
        }),
        maxDeleteShare: z.number().min(0).max(1).optional().meta({
          description:
            'The largest share of the stored invoices one run may delete (default 0.1); above it the run fails and deletes nothing.',
        }),
        allowMassDelete: z.boolean().optional().meta({
          description:
            'Lets a run delete more than maxDeleteShare (what `bridge sync --allow-mass-delete` does once).',
        }),
        fullWalk: z.enum(['both-ends', 'one-end']).optional().meta({
          description:
            'How a full sync walks the list: from both ends at once, meeting in the middle (default), or up from the oldest id only.',
        }),
        maxPageSize: z.number().int().min(1).max(1000).optional().meta({
          description:
            'Pages grow from pageSize up to this many invoices (default 1000, at most 1000) while WHMCS answers within pageBudgetMs; set it to pageSize to keep pages fixed.',
        }),
        pageBudgetMs: z.number().int().min(100).max(120_000).optional().meta({
          description:
            'How long one GetInvoices page may take, in milliseconds (default 2000): pages grow while they take under half of it and shrink when they take longer, never below pageSize.',
        }),
      })
      .prefault({})
      .meta({
        description:
          'The schedule: an incremental sync reads what changed, a full one reads every invoice again.',
      }),
    tls: z
      .strictObject({
        caFile: z
          .string()
          .min(1)
          .optional()
          .meta({ description: 'A PEM file of extra CAs to trust, for WHMCS behind a private CA.' }),
      })
      .prefault({})
      .meta({ description: 'TLS to WHMCS is always verified; a private CA can be added.' }),
    allowInsecureHttp: z
      .boolean()
      .default(false)
      .meta({ description: 'Plain http:// to a host that is not loopback is refused unless this is true.' }),
  })
  .superRefine((source, ctx) => {
    let url: URL;
    try {
      url = resolveApiUrl(source.url);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: (err as Error).message.replace(/^url: /, '') });
      return;
    }
    if (url.protocol === 'http:' && !isLoopback(url.hostname) && !source.allowInsecureHttp) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message:
          'plain http:// sends the API secret unencrypted: use https://, or set allowInsecureHttp: true for this source',
      });
    }
    try {
      assertTimeZone(source.timeZone);
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        path: ['timeZone'],
        message: (err as Error).message.replace(/^timeZone: /, ''),
      });
    }
  });
export type SourceConfigInput = z.input<typeof sourceConfigSchema>;

const tokenScopesSchema = z.array(z.enum(SCOPES)).min(1).optional().meta({
  description: 'What the token may do; without it, the rights tokens had before scopes (warned about).',
});

export const tokenSchema = z.union([
  z.strictObject({
    name: z
      .string()
      .min(1)
      .meta({ description: 'A name for the token; logs and rate limits use it, never the token.' }),
    token: secretRefSchema.meta({
      description: 'The token itself (from the environment or a file, preferably), at least 32 characters.',
    }),
    scopes: tokenScopesSchema,
  }),
  z.strictObject({
    name: z
      .string()
      .min(1)
      .meta({ description: 'A name for the token; logs and rate limits use it, never the token.' }),
    sha256: z
      .string()
      .regex(/^[a-f0-9]{64}$/i, 'the hex SHA-256 of the token')
      .meta({ description: 'The hex SHA-256 of the token, so that the file need not hold the token.' }),
    scopes: tokenScopesSchema,
  }),
]);

/** An address as WHMCS lists them: exact IPv4 or IPv6, no ranges. */
const ipSchema = z
  .string()
  .refine((ip) => isIP(ip) !== 0, 'an exact IPv4 or IPv6 address (no ranges, as in WHMCS)');

/** A credential the bridge's WHMCS facade accepts, as WHMCS API credentials are sent. */
const facadeCredentialSchema = z
  .strictObject({
    identifier: z.string().regex(/^[\x21-\x7e]{1,128}$/, 'printable ASCII without spaces (at most 128)'),
    secret: secretRefSchema.optional(),
    secretSha256: z
      .string()
      .regex(/^[a-f0-9]{64}$/i, 'the hex SHA-256 of the secret')
      .optional(),
    sources: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .meta({ description: 'Source ids this credential may read (default: every source).' }),
  })
  .superRefine((credential, ctx) => {
    if ((credential.secret === undefined) === (credential.secretSha256 === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of secret and secretSha256' });
    }
  });

/**
 * The WHMCS facade: `/whmcs/<source>/includes/api.php` answers GetInvoices from the store, for
 * modules that speak to WHMCS directly. Off until a credential is configured.
 */
export const facadeConfigSchema = z.strictObject({
  credentials: z.array(facadeCredentialSchema).min(1),
  allowlist: z
    .array(ipSchema)
    .min(1)
    .optional()
    .meta({ description: 'WHMCS\'s "API IP Access Restriction": only these callers (default: any caller).' }),
  trustedProxies: z.array(ipSchema).default([]).meta({
    description:
      'Reverse proxies in front of the bridge: from these, the caller is the address they append to X-Forwarded-For (for the allowlist and the failed-login ban).',
  }),
  ban: z
    .union([
      z.literal(false),
      z.strictObject({
        threshold: z.number().int().min(1).max(100).default(3),
        window: durationSchema.prefault('30m'),
        duration: durationSchema.prefault('15m'),
      }),
    ])
    .prefault({})
    .meta({ description: "WHMCS's failed-login ban; `false` turns it off." }),
});
export type FacadeConfigInput = z.input<typeof facadeConfigSchema>;

export const bridgeConfigSchema = z
  .strictObject({
    listen: z
      .strictObject({
        host: z.string().min(1).default(DEFAULT_LISTEN.host).meta({
          description:
            'Address to listen on; `0.0.0.0` for every interface (in a container, behind a proxy).',
        }),
        port: z
          .number()
          .int()
          .min(0)
          .max(65_535)
          .default(DEFAULT_LISTEN.port)
          .meta({ description: 'Port to listen on (`PORT` overrides); 0 picks a free one.' }),
      })
      .prefault({})
      .meta({
        description: 'Where the API listens: loopback by default, so nothing outside this host reaches it.',
      }),
    dataDir: z.string().min(1).default('./data').meta({
      description: 'Directory of the SQLite store (`bridge.sqlite`), relative to the configuration file.',
    }),
    store: storeConfigSchema.meta({
      description: 'Where the data lives: SQLite in `dataDir` (default), or PostgreSQL for several bridges.',
    }),
    tokens: z
      .array(tokenSchema)
      .default([])
      .meta({ description: 'API tokens the Forecaster presents as `Authorization: Bearer <token>`.' }),
    cors: z
      .strictObject({
        origins: z.array(z.string().url()).default([]).meta({
          description: 'Browser origins allowed to call the API, e.g. `https://forecaster.example.com`.',
        }),
      })
      .prefault({})
      .meta({ description: 'Cross-origin requests from browsers: off unless origins are listed.' }),
    rateLimit: z
      .strictObject({
        requestsPerMinute: z
          .number()
          .int()
          .min(1)
          .default(600)
          .meta({ description: 'Requests per minute per token before `429 rate_limited`.' }),
        failedAuthPerMinute: z.number().int().min(1).max(1000).default(10).meta({
          description:
            'Failed authentications per minute per client address before every request from it gets `429`.',
        }),
        trustedProxies: z.array(ipSchema).default([]).meta({
          description:
            'Reverse proxies in front of the API: from these, the client is the address they append to X-Forwarded-For.',
        }),
      })
      .prefault({})
      .meta({ description: 'Per-token request rate limit of the API.' }),
    log: z
      .strictObject({
        level: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
          .default('info')
          .meta({ description: 'Least severe level logged (`BRIDGE_LOG_LEVEL` overrides).' }),
        format: z.enum(['auto', 'json', 'pretty']).default('auto').meta({
          description: '`json` lines, `pretty` for people, or `auto`: pretty on a terminal, JSON otherwise.',
        }),
      })
      .prefault({})
      .meta({ description: 'Structured logs; secrets are redacted from every line.' }),
    docsBaseUrl: z.string().url().optional().meta({
      description:
        'Where error messages link to (`<docsBaseUrl>/troubleshooting#<code>`): a published copy of the docs site. Unset, they link to the pages the bridge serves itself under `/docs`.',
    }),
    sources: z
      .array(sourceConfigSchema)
      .default([])
      .meta({ description: 'The WHMCS installations to sync.' }),
    facade: facadeConfigSchema.optional().meta({
      description:
        'The WHMCS-compatible GetInvoices endpoint for modules that talk to WHMCS directly; off by default.',
    }),
    managedSources: z
      .strictObject({
        key: secretRefSchema.optional().meta({
          description:
            '32 random bytes, base64 or hex (`openssl rand -base64 32`); without it the API refuses managed sources.',
        }),
        previousKey: secretRefSchema
          .optional()
          .meta({ description: 'The key before `rotate-sources-key`: still opens secrets sealed under it.' }),
        allowPrivateNetworks: z
          .array(z.string())
          .default([])
          .meta({ description: 'Private networks (CIDR) a managed source may point at; none by default.' }),
      })
      .optional()
      .meta({
        description:
          'Sources created through the API: the key sealing their secrets, and private networks they may reach.',
      }),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.sources.forEach((source, i) => {
      if (seen.has(source.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', i, 'id'],
          message: `duplicate source id "${source.id}"`,
        });
      }
      seen.add(source.id);
    });
    const identifiers = new Set<string>();
    config.facade?.credentials.forEach((credential, i) => {
      const key = ['facade', 'credentials', i];
      if (identifiers.has(credential.identifier)) {
        ctx.addIssue({
          code: 'custom',
          path: [...key, 'identifier'],
          message: `duplicate identifier "${credential.identifier}"`,
        });
      }
      identifiers.add(credential.identifier);
      credential.sources?.forEach((id, j) => {
        if (!seen.has(id)) {
          ctx.addIssue({
            code: 'custom',
            path: [...key, 'sources', j],
            message: `no source has the id "${id}"`,
          });
        }
      });
    });
  });
export type BridgeConfigFile = z.input<typeof bridgeConfigSchema>;
