import { describe, expect, it } from 'vitest';
import { JsonBytes } from './json-body.ts';

describe('JsonBytes', () => {
  it('writes what JSON.stringify writes, stored JSON copied in as UTF-8 bytes', () => {
    const items = [{ name: 'Zoë 🧾 "x"' }, { name: '\u2028' }, {}];
    const body = new JsonBytes().text('{"data":');
    body.array(items, (item) => body.raw(Buffer.from(JSON.stringify(item))));
    const bytes = body.text(',"next":').value(undefined).text(',"n":').value(3).text('}').bytes();
    const text = Buffer.from(bytes).toString('utf8');
    expect(text).toBe(JSON.stringify({ data: items, next: null, n: 3 }));
    expect(Buffer.from(new JsonBytes().array([], () => {}).bytes()).toString()).toBe('[]');
  });
});
