/*
 * `pnpm --filter @forecaster/forecast oracle`: the method's error split into irreducible noise
 * (the spread of alternative futures around their mean) and model error (the method against that
 * mean), per part. See oracle.ts. Options: --clients, --seeds 1,3, --presets stable,growing,
 * --futures K, --origins 0,6,12.
 */
import { parseArgs } from 'node:util';
import type { ModelParams } from '../src/index.ts';
import { oracleWorld, PARTS } from './oracle.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    clients: { type: 'string', default: '300' },
    seeds: { type: 'string', default: '1,3' },
    presets: { type: 'string', default: 'stable,growing,shrinking,price-rise,currency-swing,fields-7x' },
    futures: { type: 'string', default: '12' },
    origins: { type: 'string', default: '0,4,8,12' },
    params: { type: 'string', default: '{}' },
  },
});
const horizons = [1, 3, 6, 12];
const rows: Array<Record<string, unknown>> = [];
for (const preset of values.presets.split(',')) {
  for (const seed of values.seeds.split(',').map(Number)) {
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
      for (const x of origins) {
        const m = x.method[h - 1];
        const orc = x.oracle[h - 1];
        if (!m || !orc) continue;
        o += orc.total;
        noise += x.noise[h - 1] as number;
        model += Math.abs(m.total - orc.total);
        actualErr += Math.abs(m.total - (x.actual[h - 1] as number));
        actual += x.actual[h - 1] as number;
        for (const p of PARTS) bias[p] = (bias[p] as number) + m[p] - orc[p];
        bias.total = (bias.total as number) + m.total - orc.total;
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
        biasOpen: pct(bias.open as number),
        biasRenewals: pct(bias.renewals as number),
        biasOther: pct(bias.other as number),
        biasTotal: pct(bias.total as number),
      });
    }
    process.stderr.write(`${preset}#${seed}: ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  }
}
console.table(rows);
