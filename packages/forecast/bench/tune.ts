/*
 * `tsx bench/tune.ts [--presets a,b] [--ks 1,3] [--params '{"planDrift":false}']`: the training worlds' headline figures, one line
 * per world (WAPE 1/3/12, 12-month bias, coverage), for trying a change to the method on the
 * tuning half only. The held-out worlds are scored by `pnpm bench --only forecast`.
 */
import { parseArgs } from 'node:util';
import type { ModelParams } from '../src/index.ts';
import { evaluateWorld } from './evaluate.ts';
import { PRESETS, type Preset, TRAINING_KS, worldsOf } from './seeds.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    presets: { type: 'string' },
    ks: { type: 'string' },
    clients: { type: 'string' },
    params: { type: 'string' },
  },
});
const presets = values.presets ? (values.presets.split(',') as Preset[]) : PRESETS;
const ks = values.ks ? values.ks.split(',').map(Number) : TRAINING_KS;
if (ks.some((k) => k % 2 === 0)) throw new Error('tune.ts scores training worlds only (odd k)');
const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)}`;
const rows: number[][] = [];
for (const w of worldsOf(ks, Number(values.clients ?? 1000)).filter((w) => presets.includes(w.preset))) {
  const e = evaluateWorld(w, {
    origins: 24,
    honesty: false,
    ...(values.params ? { params: JSON.parse(values.params) as Partial<ModelParams> } : {}),
  });
  const h = e.headline;
  rows.push([h.wape[1] ?? 0, h.wape[3] ?? 0, h.wape[12] ?? 0, h.coverage80 ?? 0]);
  console.log(
    `${w.preset.padEnd(15)} #${w.seed}  WAPE 1/3/12 ${pct(h.wape[1])}/${pct(h.wape[3])}/${pct(h.wape[12])}  best ${pct(h.bestBenchmarkWape[1])}/${pct(h.bestBenchmarkWape[3])}/${pct(h.bestBenchmarkWape[12])}  bias 1/12 ${pct(h.bias[1])}/${pct(h.bias[12])}  cover ${pct(h.coverage80)}  served ${h.served}  ${e.seconds.backtest.toFixed(1)} s`,
  );
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const column = (k: number) => rows.map((r) => r[k] as number);
console.log(
  `median WAPE 1/3/12 ${[0, 1, 2].map((k) => pct(median(column(k)))).join('/')}  mean ${[0, 1, 2].map((k) => (mean(column(k)) * 100).toFixed(2)).join('/')}  coverage ${pct(median(column(3)))}`,
);
