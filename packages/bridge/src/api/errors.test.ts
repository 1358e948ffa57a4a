import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import type { AppEnv } from './deps.ts';
import { ERROR_CODES, ERROR_STATUS, type ErrorCode } from './error-schema.ts';
import { ApiError, errorHandler } from './errors.ts';

describe('ApiError', () => {
  it('is an HTTPException whose status is its code’s, answered in the envelope with that status', async () => {
    const app = new Hono<AppEnv>();
    app.use('*', async (c, next) => {
      c.set('requestId', 'r-1');
      await next();
    });
    app.get('/:code', (c) => {
      throw new ApiError(c.req.param('code') as ErrorCode, 'no', null, { 'X-Why': 'test' });
    });
    app.onError(errorHandler(createLogger({ level: 'silent', format: 'json' })));
    expect(ERROR_CODES.length).toBeGreaterThan(15);
    for (const code of ERROR_CODES) {
      const error = new ApiError(code, 'no');
      expect(error).toBeInstanceOf(HTTPException);
      expect(error.status, code).toBe(ERROR_STATUS[code]);
      const res = await app.request(`/${code}`);
      expect([res.status, res.headers.get('X-Why')], code).toEqual([ERROR_STATUS[code], 'test']);
      expect(await res.json()).toEqual({ error: { code, message: 'no', details: null, requestId: 'r-1' } });
    }
  });
});
