/*
 * `tsx bench/series-quality.ts [--presets a,b] [--ks 1,3]`: how well series detection links each
 * renewal to the invoice before it in its own series, against the generator's truth (training
 * worlds only). Amounts are gross, in the headline currency, over the whole history.
 */
import { parseArgs } from 'node:util';
import { snapshotColumns } from '../src/model/seen-columns.ts';
import { detectSeries } from '../src/model/series.ts';
import { PRESETS, type Preset, TRAINING_KS, worldsOf } from './seeds.ts';
import { worldAtEnd } from './world-ledger.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { presets: { type: 'string' }, ks: { type: 'string' } },
});
const presets = values.presets ? (values.presets.split(',') as Preset[]) : PRESETS;
const ks = values.ks ? values.ks.split(',').map(Number) : TRAINING_KS;
const KIND_ORDER = 0;
const KIND_RENEWAL = 1;
const pct = (x: number, of: number) => `${((100 * x) / (of || 1)).toFixed(1)}`;

for (const w of worldsOf(ks, 1000).filter((w) => presets.includes(w.preset))) {
  const { world, dataAsOf, ledger, currency } = worldAtEnd(w);
  const group = snapshotColumns(ledger, dataAsOf, dataAsOf).find((g) => g.currency === currency);
  if (!group) continue;
  const c = world.columns;
  const indexOf = new Map<number, number>();
  for (let i = 0; i < group.length; i++) indexOf.set(group.id[i] as number, i);
  // The true predecessor of each renewal: the series' invoice before it, or the order that began it.
  const lastOf = new Map<number, number>();
  const orderOf = new Map<number, number>(); // series -> order invoice id (multi-bundle orders)
  const ordersByClientDay = new Map<string, number>();
  for (let id = 1; id <= world.size; id++) {
    const i = indexOf.get(id);
    if (c.kind[id] === KIND_ORDER && i !== undefined)
      ordersByClientDay.set(`${c.userid[id]}:${group.due[i]}`, id);
  }
  let renewals = 0;
  let right = 0;
  let head = 0;
  let wrong = 0;
  let rightMulti = 0;
  let multiFirst = 0;
  let orders = 0;
  let multiOrders = 0;
  const links = detectSeries(group);
  for (let id = 1; id <= world.size; id++) {
    const i = indexOf.get(id);
    const s = c.series[id] as number;
    if (c.kind[id] === KIND_ORDER && i !== undefined) {
      orders += group.gross[i] as number;
      if (s < 0) multiOrders += group.gross[i] as number;
    }
    if (s < 0) continue;
    let truePrev = lastOf.get(s) ?? -1;
    if (truePrev < 0 && c.kind[id] === KIND_RENEWAL) {
      const rec = world.truth.series(s);
      if (rec && !rec.existing) {
        const day = Math.floor(Date.parse(`${rec.start}T00:00:00Z`) / 86_400_000);
        truePrev = ordersByClientDay.get(`${c.userid[id]}:${day}`) ?? -1;
        if (truePrev >= 0) orderOf.set(s, truePrev);
      }
    }
    if (c.kind[id] === KIND_ORDER || c.kind[id] === KIND_RENEWAL) lastOf.set(s, id);
    if (i === undefined || c.kind[id] !== KIND_RENEWAL || truePrev < 0) continue;
    const g = group.gross[i] as number;
    renewals += g;
    const p = links.prev[i] as number;
    const multi = orderOf.get(s) === truePrev && c.series[truePrev] !== s;
    if (multi) multiFirst += g;
    if (p >= 0 && (group.id[p] as number) === truePrev) {
      right += g;
      if (multi) rightMulti += g;
    } else if (p < 0) head += g;
    else wrong += g;
  }
  console.log(
    `${w.preset.padEnd(15)} #${w.seed} renewal amount with a predecessor: linked right ${pct(right, renewals)} %, left unlinked ${pct(head, renewals)} %, linked wrong ${pct(wrong, renewals)} %; first renewals of multi-bundle orders ${pct(multiFirst, renewals)} % of it (right ${pct(rightMulti, multiFirst)} %); multi-bundle orders ${pct(multiOrders, orders)} % of order amount`,
  );
}
