/*
 * `pnpm --filter @forecaster/forecast split [--month 1] [--params '{...}']`: the forecast's parts
 * against what the generator knows created the cash of one month ahead, summed over the training
 * worlds (never the held-out ones) at each origin of the last 24 months whose month is over:
 *   open            invoices issued by T (the method's open invoices)
 *   renewals        renewal invoices issued after T of services ordered by T (the method's
 *                   renewals)
 *   other           orders, add-funds, upgrades and mass payments issued after T, and the renewals
 *                   of services ordered after T (the method's other billing); those renewals
 *                   are shown apart too (the method's: its projection of new business's renewals)
 * `--cycles` adds the renewals of services ordered by T by their cycle (the generator's);
 * `--presets a,b` keeps those regimes' worlds only.
 * It found the series detector taking add-funds and mass payments for renewals (method 1.6.1),
 * and (6 Dec 2026) that at 6 and 12 months the renewals of services ordered by T are right
 * (+0.6 / +0.5 %): what is short there is new business (-8 / -11 %, of which its level -5 to
 * -9 % with headHazard and headCash; its renewals within a few per cent of what its level gives).
 * At 4,000 clients, method 1.13.0, every origin (8 Dec 2026): month 1 open / renewals / new
 * business / total +4.1 / +13.0 / -15.9 / +0.5 % (new business's billing right within 1 %: the rest
 * is when orders are paid, headHazard takes it to -5.4 % and renewals to +8.4 %); month 12
 * renewals +1.3 %, new business -12.8 % (its first invoices and its renewals alike), total -4.2 %.
 */
import { parseArgs } from 'node:util';
import { type ModelParams, monthOfDay, originsBefore, runForecast } from '../src/index.ts';
import { TRAINING_KS, worldsOf } from './seeds.ts';
import { orderedOn, worldAtEnd } from './world-ledger.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    month: { type: 'string', default: '1' },
    clients: { type: 'string', default: '1000' },
    params: { type: 'string', default: '{}' },
    cycles: { type: 'boolean', default: false },
    presets: { type: 'string' },
  },
});
const month = Number(values.month);
const params = JSON.parse(values.params) as Partial<ModelParams>;
const KIND_RENEWAL = 1;
/** Renewals of services ordered by T, by cycle (months): [method, actual]. */
const byCycle = new Map<number, [number, number]>();
const addByCycle = (c: number, side: 0 | 1, v: number) => {
  const sum = byCycle.get(c) ?? [0, 0];
  sum[side] += v;
  byCycle.set(c, sum);
};
const sums = {
  open: [0, 0],
  renewals: [0, 0],
  other: [0, 0],
  'of which renewals of new business': [0, 0],
  total: [0, 0],
};

const presets = values.presets?.split(',');
for (const w of worldsOf(TRAINING_KS, Number(values.clients)).filter(
  (w) => !presets || presets.includes(w.preset),
)) {
  const { world, dataAsOf, ledger, currency } = worldAtEnd(w);
  const origins = originsBefore(dataAsOf, 24);
  // Every origin whose month ahead is over by the data's end. Every other one (before 8 Dec
  // 2026) saw half the months of the year at each horizon: new business's season, read at about
  // half its strength then, made odd horizons 11-14 % short and even ones right (4,000 clients).
  for (let k = 0; k + month <= 23; k++) {
    const t = origins[k] as number;
    const run = runForecast(ledger, { asOf: t, dataAsOf, months: month, weeks: 1, params });
    const g = run.find((r) => r.source === 'all' && r.currency === currency);
    if (!g) continue;
    const m = month - 1;
    sums.open[0]! += (g.monthly.open[m] as number) + (g.monthly.toDate[m] as number);
    sums.renewals[0]! += g.monthly.renewals[m] as number;
    sums.other[0]! += g.monthly.other[m] as number;
    sums.total[0]! += g.monthly.expected[m] as number;
    const m0 = monthOfDay(t + 1);
    const own = run.find((r) => r.source !== 'all' && r.currency === currency)?.model;
    if (own) {
      const [from, to] = [g.monthly.starts[m] as number, g.monthly.ends[m] as number];
      const within = (a: Float64Array) => {
        let v = 0;
        for (let d = Math.max(from, t + 1); d < to; d++) v += (a[d - t - 1] as number) ?? 0;
        return v;
      };
      for (const [c, a] of own.renewalsByCycle) addByCycle(c, 0, within(a));
      sums['of which renewals of new business'][0]! += within(own.otherRenewals);
    }
    for (const i of ledger) {
      if (i.currency !== currency || i.paid === null || i.paid <= t || i.issue === null) continue;
      if (i.status !== 'paid' && i.status !== 'refunded' && i.status !== 'collections') continue;
      if (monthOfDay(i.paid) - m0 !== m) continue;
      const v = Number(i.total);
      sums.total[1]! += v;
      if (i.issue <= t) sums.open[1]! += v;
      else if (world.columns.kind[i.id] !== KIND_RENEWAL) sums.other[1]! += v;
      else if (orderedOn(world, world.columns.series[i.id] as number) <= t) {
        sums.renewals[1]! += v;
        addByCycle(world.columns.cycle[i.id] as number, 1, v);
      } else {
        sums.other[1]! += v;
        sums['of which renewals of new business'][1]! += v;
      }
    }
  }
  process.stderr.write(`${w.preset}#${w.seed}\n`);
}
const pct = (x: number, of: number) =>
  Number.isNaN(x) || of === 0 ? '' : `${(((x - of) / of) * 100).toFixed(1)} %`;
console.table(
  Object.entries(sums).map(([part, [method, actual]]) => ({
    part,
    method: Math.round(method! / 1e4) / 100,
    actual: Math.round(actual! / 1e4) / 100,
    'method over actual': pct(method!, actual!),
  })),
);
if (values.cycles) {
  console.table(
    [...byCycle]
      .sort((a, b) => a[0] - b[0])
      .map(([c, [method, actual]]) => ({
        'renewals at cycle': `${c} months`,
        method: Math.round(method / 1e4) / 100,
        actual: Math.round(actual / 1e4) / 100,
        'method over actual': pct(method, actual),
      })),
  );
}
