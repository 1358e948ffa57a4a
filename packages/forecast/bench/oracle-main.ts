/*
 * `pnpm --filter @forecaster/forecast oracle`: the method's error split into irreducible noise
 * (the spread of alternative futures around their mean) and model error (the method against that
 * mean), per part: its absolute error and bias against the futures' mean of each part. See
 * oracle.ts. Options: --clients, --ks 1,3 (the worlds of each preset, seeds.ts: training by
 * default; never tune on the held-out ones), --presets stable,growing, --futures K, --origins 0,6,12.
 */
import { parseArgs } from 'node:util';
import type { ModelParams } from '../src/index.ts';
import { oracleWorld, PARTS } from './oracle.ts';
import { type Preset, seedOf, TRAINING_KS } from './seeds.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    clients: { type: 'string', default: '300' },
    ks: { type: 'string', default: TRAINING_KS.join(',') },
    presets: { type: 'string', default: 'stable,growing,shrinking,price-rise,currency-swing,fields-7x' },
    futures: { type: 'string', default: '12' },
    origins: { type: 'string', default: '0,4,8,12' },
    params: { type: 'string', default: '{}' },
  },
});
const horizons = [1, 3, 6, 12];
const rows: Array<Record<string, unknown>> = [];
for (const preset of values.presets.split(',')) {
  for (const k of values.ks.split(',').map(Number)) {
    const seed = seedOf(preset as Preset, k);
    const started = performance.now();
    const { currency, origins } = oracleWorld(
      { preset: preset as 'stable', seed, clients: Number(values.clients) },
      {
        origins: values.origins.split(',').map(Number),
        futures: Number(values.futures),
        params: JSON.parse(values.params) as Partial<ModelParams>,
      },
    );
    for (const h of horizons) {
      let o = 0;
      let noise = 0;
      let model = 0;
      let actualErr = 0;
      let actual = 0;
      const bias: Record<string, number> = { open: 0, renewals: 0, other: 0, total: 0 };
      // The world's own actual against its futures' mean: a bias here is the simulator's (futures
      // drawn unlike the world), not the method's. It found the fork's renewals (5 Dec 2026).
      const worldBias: Record<string, number> = { open: 0, total: 0 };
      let methodOpenVsActual = 0;
      const err: Record<string, number> = { open: 0, renewals: 0, other: 0 };
      for (const x of origins) {
        const m = x.method[h - 1];
        const orc = x.oracle[h - 1];
        if (!m || !orc) continue;
        o += orc.total;
        noise += x.noise[h - 1] as number;
        model += Math.abs(m.total - orc.total);
        actualErr += Math.abs(m.total - (x.actual[h - 1] as number));
        actual += x.actual[h - 1] as number;
        for (const p of PARTS) {
          bias[p] = (bias[p] as number) + m[p] - orc[p];
          err[p] = (err[p] as number) + Math.abs(m[p] - orc[p]);
        }
        bias.total = (bias.total as number) + m.total - orc.total;
        const own = x.actualParts[h - 1]!;
        worldBias.open = (worldBias.open as number) + own.open - orc.open;
        worldBias.total = (worldBias.total as number) + (x.actual[h - 1] as number) - orc.total;
        methodOpenVsActual += m.open - own.open;
      }
      if (o === 0) continue;
      const pct = (x: number) => Math.round((x / o) * 1000) / 10;
      rows.push({
        world: `${preset}#${seed}`,
        currency,
        h,
        noiseWape: pct(noise),
        modelVsOracle: pct(model),
        methodWape: Math.round((actualErr / actual) * 1000) / 10,
        errOpen: pct(err.open as number),
        errRenewals: pct(err.renewals as number),
        errOther: pct(err.other as number),
        biasOpen: pct(bias.open as number),
        biasRenewals: pct(bias.renewals as number),
        biasOther: pct(bias.other as number),
        biasTotal: pct(bias.total as number),
        worldVsOracleOpen: pct(worldBias.open as number),
        worldVsOracle: pct(worldBias.total as number),
        methodOpenVsActual: pct(methodOpenVsActual),
      });
    }
    process.stderr.write(`${preset}#${seed}: ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  }
}
console.table(rows);
