import { describe, expect, it } from 'vitest';
import { StoreError } from './errors.ts';
import { storeUnavailable } from './store-unavailable.ts';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('storeUnavailable', () => {
  it('names a store that is down, full, read-only or damaged', () => {
    expect(storeUnavailable(coded('ECONNREFUSED'))).toBe('the database does not answer');
    expect(storeUnavailable(coded('57P01'))).toBe('the database does not answer');
    expect(storeUnavailable(coded('08006'))).toBe('the database does not answer');
    expect(storeUnavailable(coded('53100'))).toBe('the database is out of resources');
    expect(storeUnavailable(coded('25006'))).toBe('the database is read-only (a standby)');
    expect(storeUnavailable(new Error('Connection terminated unexpectedly'))).toBe(
      'the database does not answer',
    );
    expect(storeUnavailable(new StoreError('store_full', '/srv/data is full'))).toBe('the store is full');
    expect(storeUnavailable(coded('SQLITE_READONLY_DBMOVED'))).toBe('the store cannot be written');
    expect(storeUnavailable(new Error('wrapped', { cause: coded('ECONNRESET') }))).toBe(
      'the database does not answer',
    );
  });

  it('leaves bugs and data errors alone (they stay 500 or their own code)', () => {
    expect(storeUnavailable(new TypeError('x is undefined'))).toBeUndefined();
    expect(storeUnavailable(coded('23505'))).toBeUndefined(); // unique violation
    expect(storeUnavailable(coded('SQLITE_CONSTRAINT_UNIQUE'))).toBeUndefined();
    expect(storeUnavailable(new StoreError('unknown_source', 'no such source'))).toBeUndefined();
  });
});
