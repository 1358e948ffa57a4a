import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientGroups } from './client-groups.ts';
import { drain, STEP_SLICE } from './steps.ts';

/** The same grouping, the plain way: clients by first row, each one's rows as `order` lists them. */
function naive(client: number[], order: number[]): number[][] {
  const groups = new Map<number, number[]>();
  for (const id of client) if (!groups.has(id)) groups.set(id, []);
  for (const i of order) groups.get(client[i]!)!.push(i);
  return [...groups.values()];
}

describe('clientGroups', () => {
  it('groups rows by client, clients by first row, rows in the given order (property)', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 0, max: 12 }), { maxLength: 60 })
          .chain((client) =>
            fc.tuple(
              fc.constant(client),
              fc.shuffledSubarray([...client.keys()], { minLength: client.length }),
            ),
          ),
        fc.boolean(),
        ([client, shuffled], ordered) => {
          const order = ordered ? shuffled : [...client.keys()];
          const { rank, start, rows } = drain(
            clientGroups(
              Int32Array.from(client),
              client.length,
              ordered ? Uint32Array.from(order) : undefined,
            ),
          );
          const groups = [...rank.keys()].map((_, r) => Array.from(rows.subarray(start[r], start[r + 1])));
          expect(groups).toEqual(naive(client, order));
          expect([...rank.keys()]).toEqual([...new Set(client)]);
        },
      ),
    );
  });

  it('yields every STEP_SLICE rows of each of its two passes', () => {
    const n = 3 * STEP_SLICE + 1;
    const steps = clientGroups(
      Int32Array.from({ length: n }, (_, i) => i % 97),
      n,
    );
    let yields = 0;
    while (!steps.next().done) yields++;
    expect(yields).toBe(6);
  });
});
