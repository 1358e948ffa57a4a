import { describe, expect, it } from 'vitest';
import type { SourceConfig } from '../config.ts';
import type { ApiError } from './errors.ts';
import { ReadableSources } from './readable-sources.ts';

const source = (id: string) => ({ id }) as SourceConfig;

describe('ReadableSources', () => {
  it('reads every configured source, or those named once each, refusing unknown ones by name', () => {
    const sources = new ReadableSources([source('eu'), source('us')]);
    expect(sources.read(undefined)).toEqual(['eu', 'us']);
    expect(sources.read(['us', 'us'])).toEqual(['us']);
    const refused = (() => {
      try {
        sources.read(['eu', 'x', 'y'], 'sources');
      } catch (err) {
        return err;
      }
    })() as ApiError;
    expect([refused.status, refused.code, refused.details]).toEqual([
      400,
      'invalid_request',
      [
        { param: 'sources', message: 'no source "x" is configured' },
        { param: 'sources', message: 'no source "y" is configured' },
      ],
    ]);
    expect(sources.one('us').id).toBe('us');
    expect(() => sources.one('x')).toThrow(expect.objectContaining({ status: 404, code: 'not_found' }));
  });

  it('keeps the sources as they were when the request came, while managed sources join and leave', () => {
    const configured = [source('eu')];
    const sources = new ReadableSources(configured);
    configured.push(source('new'));
    configured.shift();
    expect(sources.read(undefined)).toEqual(['eu']);
    expect(sources.all.map((s) => s.id)).toEqual(['eu']);
  });
});
