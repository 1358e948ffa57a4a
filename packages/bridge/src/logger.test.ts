import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

const SECRET = 'Log-Secret-Pelican-8842';

function capture(format: 'json' | 'pretty') {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d) => (text += d));
  const logger = createLogger({ format, secrets: [SECRET], destination: stream, level: 'debug' });
  return { logger, text: () => text };
}

describe('createLogger', () => {
  it('writes JSON lines with an ISO time, and never a secret, wherever it hides', () => {
    const { logger, text } = capture('json');
    logger.info(
      { source: 'eu', url: `https://x.test/?k=${encodeURIComponent(SECRET)}` },
      `calling with ${SECRET}`,
    );
    logger.warn({ secret: 'plain-field-value', nested: { password: 'pw-field-value' } }, 'keys');
    logger.error({ err: new Error(`boom ${SECRET}`) }, 'failed');
    const lines = text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ level: 30, source: 'eu', msg: 'calling with ***' });
    expect(String(lines[0]?.time)).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    expect(lines[1]).toMatchObject({ secret: '***', nested: { password: '***' } });
    expect(text()).not.toContain(SECRET);
    expect(text()).not.toContain(encodeURIComponent(SECRET));
    expect(text()).not.toContain('plain-field-value');
  });

  it('pretty output for people is redacted too', () => {
    const { logger, text } = capture('pretty');
    logger.info(`hello ${SECRET}`);
    expect(text()).toContain('hello ***');
    expect(() => JSON.parse(text())).toThrow();
  });
});
