import { describe, expect, it } from 'vitest';
import { bridgeConfigSchema, bridgeEnvSchema, durationSchema } from './bridge.ts';
import {
  configJsonSchema,
  EXAMPLE_CONFIG,
  environmentVariables,
  probeEnvironment,
  renderConfigurationMarkdown,
  schemaKeys,
} from './render-config.ts';

const schema = configJsonSchema();
const env = environmentVariables();
const page = renderConfigurationMarkdown({ schema, env });

/** The rows of the table under a `### ... {#anchor}` heading. */
function rowsUnder(anchor: string): string[] {
  const section = page.split(/\n(?=### )/).find((part) => part.includes(`{#${anchor}}`)) ?? '';
  return section.split('\n').filter((line) => line.startsWith('| `'));
}

describe('the configuration page', () => {
  it('has a row for every key of bridgeConfigSchema', () => {
    const keys = schemaKeys(schema);
    expect(keys).toEqual(
      expect.arrayContaining(['listen.port', 'sources[].url', 'sources[].sync.fullEvery']),
    );
    for (const key of keys) {
      const name = key.split('.').at(-1)!;
      expect(page, key).toContain(`| \`${name}\` |`);
    }
  });

  it('shows the defaults the bridge applies, durations as a file would write them', () => {
    expect(rowsUnder('listen').find((row) => row.startsWith('| `port`'))).toContain('`8787`');
    const parsed = bridgeConfigSchema.parse({
      sources: [{ id: 'x', url: 'https://x.test/', credentials: { identifier: 'i', secret: 's' } }],
    });
    const sync = rowsUnder('sources-sync');
    for (const [key, value] of Object.entries(parsed.sources[0]!.sync)) {
      const shown = /\| `"([^"]+)"` \|/.exec(sync.find((row) => row.startsWith(`| \`${key}\``)) ?? '')?.[1];
      expect(shown, key).toBeDefined();
      expect(durationSchema.parse(shown), key).toBe(value);
    }
  });

  it('describes each key with the description its schema carries (.meta), read from no source file', () => {
    const sync = rowsUnder('sources-sync').find((row) => row.startsWith('| `fullEvery`'));
    expect(sync).toContain('catches changes to paid ones, and deletions');
    const token = rowsUnder('tokens-name-token').find((row) => row.startsWith('| `token`'));
    expect(token).toContain('at least 32 characters');
    // A key built from a named schema takes that schema's description.
    expect(page).toMatch(/\| `secret` \|[^\n]*read from an environment variable or a file/);
  });

  it('documents every environment variable the bridge reads, each checked against loadConfig', () => {
    expect(env.map((v) => v.name)).toEqual(Object.keys(bridgeEnvSchema.shape));
    expect(env.map((v) => v.name)).toEqual(
      expect.arrayContaining(['BRIDGE_CONFIG', 'PORT', 'BRIDGE_HOST', 'BRIDGE_DATA_DIR', 'BRIDGE_TOKEN']),
    );
    expect(probeEnvironment(env)).toEqual([]);
    for (const variable of env) {
      expect(variable.effect, `${variable.name} has no description in render-config.ts`).toBeDefined();
      expect(page).toContain(`| \`${variable.name}\` |`);
    }
  });

  it('shows an example the bridge accepts', () => {
    expect(bridgeConfigSchema.safeParse(EXAMPLE_CONFIG).success).toBe(true);
    expect(page).toContain('"incrementalEvery": "5m"');
  });
});
