import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BRIDGE_CONFIG } from '@forecaster/module-assets';
import { z } from 'zod';
import { bridgeConfigSchema, bridgeEnvSchema, durationSchema, loadConfig } from './bridge.ts';
import {
  constraints,
  type JsonSchema,
  type ObjectTable,
  objectTables,
  typeText,
  withoutNull,
} from './json-schema.ts';
import { code, fence, generatedPage, prose, slug, table } from './markdown.ts';

/*
 * reference/configuration.md: the configuration file's keys from `bridgeConfigSchema` (a table per
 * object), an example file the schema accepts, and the environment variables `loadConfig` reads.
 */

// ---------------------------------------------------------------------------------------------
// The schema

const DURATION_UNITS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** 300000 (milliseconds) as `5m`: the way the file would say it. */
function durationText(ms: number): string {
  const [unit, size] = DURATION_UNITS.find(([, size]) => ms % size === 0) ?? ['ms', 1];
  return `${ms / size}${unit}`;
}

/**
 * The configuration file's JSON Schema, as a reader writes the file (`io: 'input'`). A default
 * that zod applies after a transform (durations: `.default(300_000)` milliseconds) has no input
 * form, so it is written back as the duration that parses to it, and checked to do so.
 */
export function configJsonSchema(): JsonSchema {
  return z.toJSONSchema(bridgeConfigSchema, {
    io: 'input',
    override: (ctx) => {
      const def = (ctx.zodSchema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
      if (def.type !== 'default' || 'default' in ctx.jsonSchema) return;
      const inner = def.innerType as z.ZodType;
      const value = def.defaultValue;
      const parsed = inner.safeParse(value);
      if (parsed.success && JSON.stringify(parsed.data) === JSON.stringify(value)) {
        ctx.jsonSchema.default = value; // the same in the file as after parsing
      } else if (inner === durationSchema && typeof value === 'number') {
        const text = durationText(value);
        if (durationSchema.parse(text) !== value)
          throw new Error(`duration default ${value} has no input form`);
        ctx.jsonSchema.default = text;
      }
    },
  }) as JsonSchema;
}

// ---------------------------------------------------------------------------------------------
// Environment variables

/** What one environment variable does, and how to show that it does. */
interface EnvEffect {
  /** What a reader needs to know, in Markdown. */
  effect: string;
  /** A value to try, and the key of the effective configuration it must change. */
  probe: (dir: string) => string;
  changes: string;
}

// The list of variables comes from loadConfig's TSDoc; what each does is said here, and
// `probeEnvironment` checks it against loadConfig itself, so a wrong line fails the build.
const ENV_EFFECTS: Record<string, EnvEffect> = {
  [BRIDGE_CONFIG.fileEnv]: {
    effect: 'Path of the configuration file, when `--config` is not given.',
    probe: (dir) => file(dir, 'bridge.json', '{}'),
    changes: 'origin',
  },
  PORT: {
    effect: 'Overrides `listen.port` (0–65535).',
    probe: () => '9999',
    changes: 'listen.port',
  },
  BRIDGE_HOST: {
    effect: 'Overrides `listen.host`, e.g. `0.0.0.0` inside a container.',
    probe: () => '0.0.0.0',
    changes: 'listen.host',
  },
  BRIDGE_DATA_DIR: {
    effect: 'Overrides `dataDir`, where the SQLite file `bridge.sqlite` lives.',
    probe: () => '/var/lib/forecaster-bridge',
    changes: 'dataDir',
  },
  BRIDGE_LOG_LEVEL: {
    effect: 'Overrides `log.level`: `fatal`, `error`, `warn`, `info`, `debug` or `trace`.',
    probe: () => 'debug',
    changes: 'log.level',
  },
  BRIDGE_TOKEN: {
    effect: 'Adds one API token (at least 32 characters), named `BRIDGE_TOKEN`, to those in `tokens`.',
    probe: () => 'probe-token-0123456789-long-enough-0001',
    changes: 'tokens',
  },
  BRIDGE_TOKENS_FILE: {
    effect:
      'Adds one API token per line of this file (named `BRIDGE_TOKENS_FILE#1`, `#2`, ...); blank lines and lines starting with `#` are skipped.',
    probe: (dir) =>
      file(
        dir,
        'tokens',
        '# Forecaster\nprobe-token-a-long-enough-for-the-rules\n\nprobe-token-b-long-enough-for-the-rules\n',
      ),
    changes: 'tokens',
  },
};

function file(dir: string, name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

export interface EnvVariable {
  name: string;
  /** The description of its key in the bridge's environment schema, if any. */
  note?: string;
  effect?: string;
}

/** The variables the bridge reads (its environment schema, `bridgeEnvSchema`), in its order. */
export function environmentVariables(): EnvVariable[] {
  return Object.entries(bridgeEnvSchema.shape).map(([name, schema]) => {
    const note = schema.meta()?.description;
    const effect = ENV_EFFECTS[name]?.effect;
    return { name, ...(note ? { note } : {}), ...(effect ? { effect } : {}) };
  });
}

function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], value);
}

/**
 * Sets each variable to a sample value and checks that loadConfig's result changes where the page
 * says it does. Answers the problems found.
 */
export function probeEnvironment(variables: readonly EnvVariable[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'docs-env-'));
  try {
    const base = loadConfig({ fallback: {}, env: {} });
    return variables.flatMap((variable) => {
      const known = ENV_EFFECTS[variable.name];
      if (!known) return [`${variable.name}: no description in apps/docs/scripts/render-config.ts`];
      const changed = loadConfig({ fallback: {}, env: { [variable.name]: known.probe(dir) } });
      const before = JSON.stringify(at(base, known.changes));
      return JSON.stringify(at(changed, known.changes)) === before
        ? [`${variable.name}: setting it did not change ${known.changes}`]
        : [];
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The example

/** A configuration file for two WHMCS installs, secrets kept out of the file. */
export const EXAMPLE_CONFIG = {
  listen: { host: '127.0.0.1', port: 8787 },
  dataDir: '/var/lib/forecaster-bridge',
  tokens: [{ name: 'forecaster', token: { env: 'FORECASTER_TOKEN' } }],
  log: { level: 'info', format: 'json' },
  sources: [
    {
      id: 'eu',
      name: 'WHMCS Europe',
      url: 'https://billing.example.com/',
      credentials: { identifier: 'Ab3dE5fG7hJ9kL1mN3pQ5rS7tV9wX1yZ', secret: { env: 'WHMCS_EU_SECRET' } },
      timeZone: 'Europe/Berlin',
      sync: { incrementalEvery: '5m', fullEvery: '24h' },
    },
    {
      id: 'us',
      name: 'WHMCS US',
      url: 'https://whmcs.example.net/billing/',
      credentials: {
        identifier: 'Zy1Xw9Vt7Sr5Qp3Nm1Lk9Jh7Gf5Ed3Cb',
        secret: { file: '/etc/forecaster-bridge/us-secret' },
      },
      accessKey: { file: '/etc/forecaster-bridge/us-access-key' },
      timeZone: 'America/New_York',
      pageSize: 500,
    },
  ],
} as const;

// ---------------------------------------------------------------------------------------------
// The page

function anchorOf(item: ObjectTable): string {
  return slug(`${item.path.replaceAll('[]', '') || 'top level'} ${item.variant ?? ''}`);
}

function titleOf(item: ObjectTable): string {
  const name = item.path ? code(item.path) : 'Top level';
  return item.variant ? `${name} with ${item.variant.split(' + ').map(code).join(' and ')}` : name;
}

function defaultCell(field: { schema: JsonSchema; required: boolean }): string {
  if (field.schema.default !== undefined) return code(JSON.stringify(field.schema.default));
  return field.required ? '**required**' : 'optional';
}

function describe(schema: JsonSchema): string {
  const text = schema.description;
  const extra = constraints(schema);
  return [text ? prose(text) : '', ...extra].filter(Boolean).join('; ');
}

function sectionOf(item: ObjectTable, tables: readonly ObjectTable[]): string {
  const child = (key: string) =>
    tables.filter((t) => t.path.replace(/\[\]$/, '') === plainJoin(item.path, key));
  const rows = item.fields.map((field) => {
    const nested = child(field.key);
    const target = withoutNull(field.schema);
    let type = prose(`\`${typeText(field.schema)}\``);
    if (nested.length > 0) {
      const list = target.type === 'array' ? '[]' : '';
      type =
        nested.length === 1
          ? `[object${list}](#${anchorOf(nested[0]!)})`
          : // A union of objects: name each alternative by its keys.
            `${list ? 'a list, each' : 'one'} of: ${nested
              .map((t) => `[${(t.variant ?? '').split(' + ').join(', ')}](#${anchorOf(t)})`)
              .join('; ')}`;
    }
    return [code(field.key), type, defaultCell(field), describe(field.schema)];
  });
  const summary = item.description;
  return [
    `### ${titleOf(item)} {#${anchorOf(item)}}`,
    ...(summary ? [prose(summary)] : []),
    table(['Key', 'Type', 'Default', 'Description'], rows),
  ].join('\n\n');
}

function plainJoin(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

export interface ConfigPageInput {
  schema: JsonSchema;
  env: readonly EnvVariable[];
}

/** The configuration reference page. */
export function renderConfigurationMarkdown({ schema, env }: ConfigPageInput): string {
  const tables = objectTables(schema);
  // The example is hand-written, so the bridge's own schema checks it on every build.
  const checked = bridgeConfigSchema.safeParse(EXAMPLE_CONFIG);
  if (!checked.success)
    throw new Error(`the example configuration is invalid: ${z.prettifyError(checked.error)}`);
  const example = JSON.stringify(EXAMPLE_CONFIG, null, 2);
  const envRows = env.map((v) => [code(v.name), prose(v.effect ?? v.note ?? '')]);
  const body = [
    '# Configuration',
    `The bridge reads one JSON file: the path given with ${code('--config')}, or else the path in ${code(BRIDGE_CONFIG.fileEnv)}. Every key has a default except the ones marked required, so a file names only what differs. Relative paths in the file (${code('dataDir')}, ${code('{ "file": ... }')} secrets, ${code('tls.caFile')}) are read from the file's own directory.`,
    `The file is checked once, at start. A key that is unknown, misspelled or out of range stops the bridge with exit status 2 and a message that names it, such as ${code('bridge: configuration error: sources[0].url: ...')}. ${code('forecaster-bridge config print')} shows the configuration in effect, every secret replaced by ${code('***')}.`,
    '::: tip Secrets\nWrite each secret as `{ "env": "NAME" }` or `{ "file": "/path" }` rather than inline: the file can then be shared, printed and kept in version control without the secrets.\n:::',
    `## Example {#example}`,
    `Two WHMCS installs; the API secrets come from an environment variable and a file, never from the configuration file itself. A secret written inline works, with a warning at start.`,
    fence('json', example),
    '## Environment variables {#environment}',
    `They override the file, for containers and service managers. Secrets named by ${code('{ "env": NAME }')} in the file are read from the environment too.`,
    table(['Variable', 'Effect'], envRows),
    '## Keys {#keys}',
    `Types are those of the JSON file. ${code('{ env: string }')} and ${code('{ file: string }')} are secret references: the secret is read from that environment variable, or from that file (a final newline is dropped).`,
    ...tables.map((item) => sectionOf(item, tables)),
  ];
  return generatedPage({
    title: 'Configuration',
    from: 'bridgeConfigSchema and loadConfig (packages/bridge/src/config.ts)',
    body: body.join('\n\n'),
  });
}

/** Keys of the schema, as `a.b.c` paths, for checks: every one must appear on the page. */
export function schemaKeys(schema: JsonSchema): string[] {
  return objectTables(schema).flatMap((item) => item.fields.map((f) => plainJoin(item.path, f.key)));
}
