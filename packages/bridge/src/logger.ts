import { createRedactor } from '@forecaster/whmcs-client';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** `auto`: human-readable on a terminal, JSON lines otherwise. */
  format?: 'auto' | 'json' | 'pretty';
  /**
   * Every secret value: replaced by `***` wherever it appears in a log line. The list is followed
   * as it grows (the secrets of sources managed through the API are added while the bridge runs).
   */
  secrets?: readonly string[];
  /** Where JSON lines go (default stdout). */
  destination?: NodeJS.WritableStream;
}

/** A record as one line: `source: message`, plus the code, the fix or the error when there is one. */
export function oneLine(log: Record<string, unknown>, messageKey: string): string {
  const source = typeof log.source === 'string' ? `${log.source}: ` : '';
  const extra: string[] = [];
  if (typeof log.code === 'string') extra.push(`[${log.code}]`);
  if (typeof log.hint === 'string') extra.push(`fix: ${log.hint}`);
  const err = log.err as { message?: string; stack?: string } | undefined;
  if (err && Number(log.level) >= 50) extra.push(`\n${err.stack ?? err.message ?? ''}`);
  else if (err?.message) extra.push(`(${err.message})`);
  return [`${source}${String(log[messageKey] ?? '')}`, ...extra].join(' ');
}

/**
 * Structured JSON logs (pretty on a terminal). Secrets are redacted from every line as a
 * last line of defence, and well-known secret keys are censored wherever they appear.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = options.secrets ?? [];
  let redact = createRedactor(secrets);
  let redacting = secrets.length;
  const destination = options.destination ?? process.stdout;
  const isPretty =
    options.format === 'pretty' ||
    (options.format !== 'json' &&
      (options.format ?? 'auto') === 'auto' &&
      (destination as { isTTY?: boolean }).isTTY);
  const stream = isPretty
    ? // pino-pretty as a stream in this thread: no worker, so redaction below still applies.
      pretty({
        colorize: true,
        translateTime: 'SYS:HH:MM:ss',
        ignore: 'pid,hostname',
        // One line a record: the fields stay in the JSON logs, a terminal shows what a person reads.
        hideObject: true,
        messageFormat: oneLine,
        destination,
        sync: true,
      })
    : destination;
  const writer = {
    write(line: string) {
      if (secrets.length !== redacting) {
        redact = createRedactor(secrets);
        redacting = secrets.length;
      }
      stream.write(redact(line));
    },
  };
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'secret',
          'password',
          'accessKey',
          'accesskey',
          'token',
          'authorization',
          '*.secret',
          '*.password',
          '*.accessKey',
          '*.token',
          '*.authorization',
          'headers.authorization',
        ],
        censor: '***',
      },
    },
    writer,
  );
}
