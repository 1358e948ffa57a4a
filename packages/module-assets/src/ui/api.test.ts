import { describe, expect, it } from 'vitest';
import { operations } from '../module/operations.ts';
import { POSTED } from './api.ts';

describe('the UI calls', () => {
  it('post exactly the operations the proxy wants posted (every kind but read)', () => {
    const posted = operations.filter((o) => o.kind !== 'read').map((o) => o.op);
    expect([...POSTED].sort()).toEqual(posted.sort());
  });
});
