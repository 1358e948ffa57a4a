import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { sha256 } from '../sha256.ts';
import { resolveManagedSources } from '../sources/managed-config.ts';
import {
  checkDistinctTokens,
  checkTokenLength,
  legacyTokenWarning,
  type TokenEntry,
} from '../token-rules.ts';
import { readEnv } from './env.ts';
import { ConfigError } from './errors.ts';
import { describeIssue, jsonSyntaxError } from './issues.ts';
import { type BridgeConfigFile, bridgeConfigSchema, type facadeConfigSchema } from './schema.ts';
import { assertEnvSecretsSet } from './secret-env.ts';
import type { SecretRef } from './secret-ref.ts';
import { resolveStoreConfig } from './store.ts';
import type { BridgeConfig, FacadeConfig, FacadeCredential, SourceConfig, TokenConfig } from './types.ts';

export interface LoadOptions {
  /** Path of the JSON file (`--config`); else BRIDGE_CONFIG; else none. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  /** Used instead of a file when neither `path` nor BRIDGE_CONFIG is given. */
  fallback?: BridgeConfigFile;
}

/**
 * Reads, validates and resolves the configuration. Environment overrides: PORT, BRIDGE_HOST,
 * BRIDGE_DATA_DIR, BRIDGE_LOG_LEVEL, BRIDGE_TOKEN (one more token), BRIDGE_TOKENS_FILE (one
 * token per line). Throws a ConfigError naming the bad key.
 */
export function loadConfig(options: LoadOptions = {}): BridgeConfig {
  const env = options.env ?? process.env;
  const vars = readEnv(env);
  const path = options.path ?? vars.BRIDGE_CONFIG;
  let input: unknown = options.fallback ?? {};
  let baseDir = process.cwd();
  if (path) {
    const file = resolve(path);
    if (!existsSync(file)) throw new ConfigError('', `configuration file ${file} does not exist`);
    baseDir = dirname(file);
    const text = readFileSync(file, 'utf8');
    try {
      input = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(
        '',
        `configuration file ${file} is not valid JSON: ${jsonSyntaxError(text, err as Error)}`,
      );
    }
  }
  const parsed = bridgeConfigSchema.safeParse(input);
  if (!parsed.success) {
    const { key, message } = describeIssue(bridgeConfigSchema, parsed.error.issues, input);
    throw new ConfigError(key, key || !message.startsWith('must') ? message : `the configuration ${message}`);
  }
  const file = parsed.data;
  assertEnvSecretsSet(file, env);
  const warnings: string[] = [];
  const secrets: string[] = [];

  const readSecret = (ref: SecretRef, key: string): string => {
    let value: string;
    if (typeof ref === 'string') {
      warnings.push(
        `${key} is written inline in the configuration: prefer { "env": NAME } or { "file": PATH }`,
      );
      value = ref;
    } else if ('env' in ref) {
      const fromEnv = env[ref.env];
      if (fromEnv === undefined || fromEnv === '') {
        throw new ConfigError(`${key}.env`, `environment variable ${ref.env} is not set`);
      }
      value = fromEnv;
    } else {
      const secretPath = resolve(baseDir, ref.file);
      try {
        value = readFileSync(secretPath, 'utf8').replace(/\r?\n$/, '');
      } catch {
        throw new ConfigError(`${key}.file`, `cannot read ${secretPath}`);
      }
    }
    if (value.trim() !== value) {
      warnings.push(`${key} has leading or trailing white space: was it copied with a space?`);
    }
    secrets.push(value);
    return value;
  };

  const sources: SourceConfig[] = file.sources.map((source, i) => {
    const key = `sources[${i}]`;
    const credentials =
      'identifier' in source.credentials
        ? {
            identifier: source.credentials.identifier,
            secret: readSecret(source.credentials.secret, `${key}.credentials.secret`),
          }
        : {
            username: source.credentials.username,
            password: readSecret(source.credentials.password, `${key}.credentials.password`),
          };
    let ca: string | undefined;
    if (source.tls.caFile) {
      const caPath = resolve(baseDir, source.tls.caFile);
      try {
        ca = readFileSync(caPath, 'utf8');
      } catch {
        throw new ConfigError(`${key}.tls.caFile`, `cannot read ${caPath}`);
      }
    }
    return {
      id: source.id,
      name: source.name ?? source.id,
      url: source.url,
      credentials,
      ...(source.accessKey ? { accessKey: readSecret(source.accessKey, `${key}.accessKey`) } : {}),
      timeZone: source.timeZone,
      pageSize: source.pageSize,
      concurrency: source.concurrency,
      timeoutMs: source.timeoutMs,
      ...(source.maxResponseBytes ? { maxResponseBytes: source.maxResponseBytes } : {}),
      sync: source.sync,
      tls: { ...(source.tls.caFile ? { caFile: resolve(baseDir, source.tls.caFile), ca } : {}) },
      allowInsecureHttp: source.allowInsecureHttp,
    };
  });

  const tokenEntries: TokenEntry[] = file.tokens.map((token, i) => {
    const key = `tokens[${i}]`;
    const scopes = token.scopes ? { scopes: [...new Set(token.scopes)] } : {};
    if (!token.scopes) warnings.push(legacyTokenWarning(token.name, key));
    if ('sha256' in token) {
      return { name: token.name, sha256: Buffer.from(token.sha256, 'hex'), key, ...scopes };
    }
    const value = readSecret(token.token, `${key}.token`);
    checkTokenLength(value, `${key}.token`);
    return { name: token.name, sha256: sha256(value), key, ...scopes };
  });
  if (vars.BRIDGE_TOKEN) {
    secrets.push(vars.BRIDGE_TOKEN);
    checkTokenLength(vars.BRIDGE_TOKEN, 'BRIDGE_TOKEN');
    tokenEntries.push({ name: 'BRIDGE_TOKEN', sha256: sha256(vars.BRIDGE_TOKEN), key: 'BRIDGE_TOKEN' });
    warnings.push(legacyTokenWarning('BRIDGE_TOKEN', 'BRIDGE_TOKEN'));
  }
  if (vars.BRIDGE_TOKENS_FILE) {
    let lines: string[];
    try {
      lines = readFileSync(vars.BRIDGE_TOKENS_FILE, 'utf8').split(/\r?\n/);
    } catch {
      throw new ConfigError('BRIDGE_TOKENS_FILE', `cannot read ${vars.BRIDGE_TOKENS_FILE}`);
    }
    lines
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .forEach((line, i) => {
        secrets.push(line);
        checkTokenLength(line, 'BRIDGE_TOKENS_FILE');
        tokenEntries.push({
          name: `BRIDGE_TOKENS_FILE#${i + 1}`,
          sha256: sha256(line),
          key: 'BRIDGE_TOKENS_FILE',
        });
        warnings.push(legacyTokenWarning(`BRIDGE_TOKENS_FILE#${i + 1}`, 'BRIDGE_TOKENS_FILE'));
      });
  }
  checkDistinctTokens(tokenEntries);
  const tokens: TokenConfig[] = tokenEntries.map(({ key: _, ...token }) => token);

  const facade = resolveFacade(
    file.facade,
    readSecret,
    [
      ...sources.flatMap((source) => [
        'secret' in source.credentials ? source.credentials.secret : source.credentials.password,
        ...(source.accessKey ? [source.accessKey] : []),
      ]),
    ].map(sha256),
    tokens.map((token) => token.sha256),
  );

  return {
    listen: { host: vars.BRIDGE_HOST ?? file.listen.host, port: vars.PORT ?? file.listen.port },
    dataDir: resolve(baseDir, vars.BRIDGE_DATA_DIR ?? file.dataDir),
    store: resolveStoreConfig(file.store, readSecret, baseDir),
    tokens,
    cors: file.cors,
    rateLimit: file.rateLimit,
    log: { level: vars.BRIDGE_LOG_LEVEL ?? file.log.level, format: file.log.format },
    ...(file.docsBaseUrl ? { docsBaseUrl: file.docsBaseUrl } : {}),
    sources,
    facade,
    managedSources: resolveManagedSources(file.managedSources, readSecret),
    origin: path ? resolve(path) : null,
    secrets,
    warnings,
  };
}

/** Facade secrets shorter than this are refused: they face the network through the module's host. */
const MIN_FACADE_SECRET = 16;

/**
 * The facade's credentials, hashed. A secret that is also a WHMCS secret, access key or API token
 * is refused: the facade must never become a way in with those (nor they a way into the facade).
 */
function resolveFacade(
  input: z.output<typeof facadeConfigSchema> | undefined,
  readSecret: (ref: SecretRef, key: string) => string,
  whmcsSecretHashes: Buffer[],
  tokenHashes: Buffer[],
): FacadeConfig {
  if (!input) return { credentials: [], allowlist: null, trustedProxies: [], ban: null };
  const credentials = input.credentials.map((credential, i): FacadeCredential => {
    const key = `facade.credentials[${i}]`;
    let hash: Buffer;
    let secretKey: string;
    if (credential.secret !== undefined) {
      secretKey = `${key}.secret`;
      const secret = readSecret(credential.secret, secretKey);
      if (secret.length < MIN_FACADE_SECRET) {
        throw new ConfigError(
          secretKey,
          `at least ${MIN_FACADE_SECRET} characters; generate one with: openssl rand -hex 24`,
        );
      }
      hash = sha256(secret);
    } else {
      secretKey = `${key}.secretSha256`;
      hash = Buffer.from(credential.secretSha256!, 'hex');
    }
    if (whmcsSecretHashes.some((h) => h.equals(hash))) {
      throw new ConfigError(secretKey, 'is a WHMCS secret of a source: issue the facade its own secret');
    }
    if (tokenHashes.some((h) => h.equals(hash))) {
      throw new ConfigError(secretKey, 'is a bridge API token: issue the facade its own secret');
    }
    return { identifier: credential.identifier, secretSha256: hash, sources: credential.sources ?? null };
  });
  return {
    credentials,
    allowlist: input.allowlist ?? null,
    trustedProxies: input.trustedProxies,
    ban:
      input.ban === false
        ? null
        : { threshold: input.ban.threshold, windowMs: input.ban.window, durationMs: input.ban.duration },
  };
}
