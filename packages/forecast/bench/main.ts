/*
 * `pnpm bench --only forecast` (or `pnpm --filter @forecaster/forecast bench`): the forecast on
 * seeded worlds across regimes. The method's parameters were tuned on the training seeds; every
 * reported figure is from the held-out seeds. Then the two speed measurements: a forecast
 * over about 1,000,000 invoices, and a full backtest (24 origins) over about 100,000.
 * Prints JSON and writes the forecast section of BENCHMARKS.md (`--out`, default the root's).
 *
 * `--quick`: 2 worlds per half, small, for a smoke run (nothing written).
 * `--clients N`: worlds of N starting clients instead of 1,000; a run at another size than the
 * headline's writes a section of its own (`forecast-N` markers) and leaves the docs' chart alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateWorld } from '@forecaster/whmcs-sim';
import { backtest, DEFAULT_PARAMS, forecastCash, ledgerColumnsOf, WARM_UP_ORIGINS } from '../src/index.ts';
import { renderChart } from './chart.ts';
import { type Evaluation, evaluateWorld } from './evaluate.ts';
import { oracleWorld } from './oracle.ts';
import { HELD_OUT_KS, PRESETS, seedOf, TRAINING_KS, worldsOf } from './seeds.ts';
import { ledgerAsOf, localDay } from './world-ledger.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    clients: { type: 'string' },
    'skip-speed': { type: 'boolean', default: false },
    /** Skips re-scoring the training worlds (their coverage is then not printed). */
    'skip-training': { type: 'boolean', default: false },
    /** Alternative futures per origin for the noise floor (0: not measured). */
    futures: { type: 'string' },
  },
});
const quick = values.quick;
const ROOT = join(import.meta.dirname, '..', '..', '..');
/** The headline's size; a run at another size writes a section of its own (see `markdown`). */
const HEADLINE_CLIENTS = 1000;
const clients = Number(values.clients ?? (quick ? 300 : HEADLINE_CLIENTS));
const headline = clients === HEADLINE_CLIENTS;
// Every preset has its own seeds (seeds.ts); odd k tuned the method, even k are held out.
// --quick (a smoke run, nothing written) uses worlds of its own, so it never scores the held-out ones.
const TRAINING_K = quick ? [9] : TRAINING_KS;
const HELD_OUT_K = quick ? [10] : HELD_OUT_KS;
const training = worldsOf(TRAINING_K, clients);
const heldOut = worldsOf(HELD_OUT_K, clients);
const log = (line: string) => process.stderr.write(`${line}\n`);

// 1. The training worlds. Their seeds tuned the method's parameters (params.ts), among them the
// level at which each backtest calibrates its intervals on its own track record
// (interval-calibration.ts). Their coverage is printed beside the held-out worlds'.
const trainingCoverage: number[] = [];
for (const w of training) {
  if (quick || values['skip-training']) break;
  const e = evaluateWorld(w, { origins: 24, honesty: false });
  trainingCoverage.push(e.headline.coverage80 ?? 0);
  log(`training ${w.preset} seed ${w.seed}: ${e.invoices} invoices, coverage80 ${e.headline.coverage80}`);
}
trainingCoverage.sort((a, b) => a - b);

// 2. Held-out worlds, with the tuned scale.
const results: Evaluation[] = [];
for (const w of heldOut) {
  const e = evaluateWorld(w, { origins: quick ? 6 : 24 });
  results.push(e);
  log(
    `held-out ${w.preset} seed ${w.seed}: ${e.invoices} invoices, WAPE 1/3/12 ${e.headline.wape[1]}/${e.headline.wape[3]}/${e.headline.wape[12]}, served ${e.headline.served}`,
  );
}

// 3. The noise floor of each held-out world (bench/oracle.ts): at three origins the future is
// redrawn K times from the same past; no forecast can beat the futures' spread around their mean.
const futures = Number(values.futures ?? (quick ? 3 : 8));
const floors = new Map<string, Floor>();
if (futures > 1) {
  for (const w of heldOut) {
    const started = performance.now();
    const { origins } = oracleWorld(w, {
      origins: quick ? [0] : [0, 6, 12],
      futures,
    });
    const floor: Floor = { noise: {}, modelVsOracle: {} };
    for (const h of [1, 3, 6, 12]) {
      let oracle = 0;
      let noise = 0;
      let model = 0;
      for (const o of origins) {
        const cell = o.oracle[h - 1];
        const m = o.method[h - 1];
        if (!cell || !m) continue;
        oracle += cell.total;
        noise += o.noise[h - 1] as number;
        model += Math.abs(m.total - cell.total);
      }
      floor.noise[h] = oracle > 0 ? Math.round((noise / oracle) * 10_000) / 10_000 : null;
      floor.modelVsOracle[h] = oracle > 0 ? Math.round((model / oracle) * 10_000) / 10_000 : null;
    }
    floors.set(`${w.preset}#${w.seed}`, floor);
    log(
      `noise floor ${w.preset} seed ${w.seed}: 1/3/12 ${floor.noise[1]}/${floor.noise[3]}/${floor.noise[12]}, ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  }
}

interface Floor {
  /** Mean |future - mean of futures| over the mean, per horizon: the irreducible WAPE. */
  noise: Record<number, number | null>;
  /** |method - mean of futures| over the mean: the model's own error. */
  modelVsOracle: Record<number, number | null>;
}

// 4. Speed.
// --quick measures small worlds, to try the code path.
const speed = values['skip-speed'] ? null : measureSpeed(quick ? 0.05 : 1);

function r2(x: number) {
  return Math.round(x * 100) / 100;
}

function measureSpeed(size: number) {
  let big: ReturnType<typeof generateWorld> | null = generateWorld({
    preset: 'stable',
    seed: 11,
    clients: Math.round(44_000 * size),
  });
  const bigEnd = new Date(big.end.getTime() - 1000);
  const bigLedger = ledgerAsOf(big, bigEnd);
  const asOf = localDay(big, bigEnd);
  big = null;
  const time = (ledger: Parameters<typeof forecastCash>[0]) => {
    const seconds: number[] = [];
    const cpuSeconds: number[] = [];
    for (let k = 0; k < 4; k++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      forecastCash(ledger, { asOf, dataAsOf: asOf });
      seconds.push(r2((performance.now() - t0) / 1000));
      const c = process.cpuUsage(c0);
      cpuSeconds.push(r2((c.user + c.system) / 1e6));
    }
    return { seconds, cpuSeconds };
  };
  const fromObjects = time(bigLedger);
  // The columnar ledger (what a store can read without an object per invoice), the objects gone:
  // no million objects left for the garbage collector to trace.
  const columns = ledgerColumnsOf(bigLedger);
  const invoices1m = bigLedger.length;
  bigLedger.length = 0;
  const fromColumns = time(columns);
  const mid = generateWorld({ preset: 'stable', seed: 12, clients: Math.round(4_400 * size) });
  const midEnd = new Date(mid.end.getTime() - 1000);
  const midLedger = ledgerAsOf(mid, midEnd);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  backtest(midLedger, { dataAsOf: localDay(mid, midEnd), origins: 24 });
  const c = process.cpuUsage(c0);
  return {
    // CPU time counts every thread (the garbage collector's too); wall time is what a caller waits,
    // and on a shared machine it includes waiting for a core.
    forecast: { invoices: invoices1m, fromObjects, fromColumns },
    backtest: {
      invoices: midLedger.length,
      origins: 24,
      warmUpOrigins: WARM_UP_ORIGINS,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      cpuSeconds: r2((c.user + c.system) / 1e6),
    },
  };
}

const summary = summarize(results);
const report = {
  clients,
  training: training.length,
  trainingMedianCoverage80: trainingCoverage[Math.floor((trainingCoverage.length - 1) / 2)] ?? null,
  heldOut: heldOut.length,
  summary,
  speed,
  worlds: results.map(brief),
};
console.log(JSON.stringify(report, null, 2));
if (!quick) {
  const out = values.out ?? join(ROOT, 'BENCHMARKS.md');
  const section = markdown(report);
  let text = '';
  try {
    text = readFileSync(out, 'utf8');
  } catch {}
  const marker = headline ? 'forecast' : `forecast-${clients}`;
  const begin = `<!-- ${marker}:begin -->`;
  const end = `<!-- ${marker}:end -->`;
  const block = `${begin}\n${section}\n${end}`;
  text = text.includes(begin)
    ? text.replace(new RegExp(`${begin}[\\s\\S]*${end}`), block)
    : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(out, text);
  // The docs site's chart is the headline's.
  const chart = headline ? results.find((r) => r.world.preset === 'stable') : undefined;
  if (chart)
    writeFileSync(join(ROOT, 'apps', 'docs', 'src', 'public', 'forecast-backtest.svg'), renderChart(chart));
  log(`written: ${out}`);
}

function brief(e: Evaluation) {
  return {
    preset: e.world.preset,
    seed: e.world.seed,
    invoices: e.invoices,
    headline: e.headline,
    floor: floors.get(`${e.world.preset}#${e.world.seed}`) ?? null,
    honesty: e.honesty,
    seconds: e.seconds,
  };
}

function summarize(rs: Evaluation[]) {
  const horizons = Array.from({ length: 12 }, (_, k) => k + 1);
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : null;
  };
  return {
    medianWape: Object.fromEntries(horizons.map((h) => [h, median(rs.map((r) => r.headline.wape[h] ?? 1))])),
    medianBestBenchmarkWape: Object.fromEntries(
      horizons.map((h) => [h, median(rs.map((r) => r.headline.bestBenchmarkWape[h] ?? 1))]),
    ),
    /** Share of worlds where the method's WAPE is at least 30 % below the best benchmark's, per horizon. */
    beats30: Object.fromEntries(
      horizons.map((h) => [
        h,
        rs.filter((r) => (r.headline.improvement[h] ?? -1) >= 0.3).length / Math.max(1, rs.length),
      ]),
    ),
    /** Share of worlds where the method beats the best benchmark at all. */
    beats: Object.fromEntries(
      horizons.map((h) => [
        h,
        rs.filter((r) => (r.headline.improvement[h] ?? -1) > 0).length / Math.max(1, rs.length),
      ]),
    ),
    coverage80: median(rs.map((r) => r.headline.coverage80 ?? 0)),
    coverage80Range: [
      Math.min(...rs.map((r) => r.headline.coverage80 ?? 0)),
      Math.max(...rs.map((r) => r.headline.coverage80 ?? 0)),
    ],
    /** Median irreducible WAPE (noise floor) and model-vs-oracle WAPE per horizon. */
    medianNoise: Object.fromEntries(
      [1, 3, 6, 12].map((h) => [
        h,
        median(rs.flatMap((r) => floors.get(`${r.world.preset}#${r.world.seed}`)?.noise[h] ?? [])),
      ]),
    ),
    /**
     * Share of worlds where 30 % below the best benchmark is below the noise floor: no forecast
     * reaches it on expectation there, so the beat-by-30 % target is out of reach in them.
     */
    beats30Bounded: Object.fromEntries(
      [1, 3, 6, 12].map((h) => {
        const bounded = rs.filter((r) => {
          const floor = floors.get(`${r.world.preset}#${r.world.seed}`)?.noise[h];
          const best = r.headline.bestBenchmarkWape[h];
          return (
            floor !== undefined && floor !== null && best !== undefined && best !== null && 0.7 * best < floor
          );
        });
        return [h, bounded.length / Math.max(1, rs.length)];
      }),
    ),
    medianModelVsOracle: Object.fromEntries(
      [1, 3, 6, 12].map((h) => [
        h,
        median(rs.flatMap((r) => floors.get(`${r.world.preset}#${r.world.seed}`)?.modelVsOracle[h] ?? [])),
      ]),
    ),
    served: Object.fromEntries(
      [...new Set(rs.map((r) => r.headline.served))].map((s) => [
        s,
        rs.filter((r) => r.headline.served === s).length,
      ]),
    ),
  };
}

function markdown(r: typeof report): string {
  const pct = (x: number | null | undefined) =>
    x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)} %`;
  const lines = [
    headline
      ? '## Forecast accuracy (pnpm bench --only forecast)'
      : `## Forecast accuracy at ${r.clients.toLocaleString('en-US')} starting clients (pnpm --filter @forecaster/forecast bench --clients ${r.clients})`,
    '',
    `${r.heldOut} held-out worlds (${PRESETS.length} regimes, each with seeds of its own: ${PRESETS.map((p) => `${p} ${HELD_OUT_K.map((k) => seedOf(p, k)).join('/')}`).join(', ')}; new on 4 Dec 2026 and first scored then (method 1.4.1), never tuned on: each method change since is tried on the training worlds alone (bench/tune.ts); the ${r.training} training worlds, seeds ${PRESETS.map((p) => TRAINING_K.map((k) => seedOf(p, k)).join('/')).join(', ')}, tuned the method's parameters), ${r.clients} starting clients each, 7 years of history, rolling origins at the last 24 month ends (after ${WARM_UP_ORIGINS} unscored warm-up origins whose errors only calibrate the intervals). Monthly cash collected in the currency with the most cash; WAPE of the method against the best of five benchmarks (contractual, client delay, seasonal naive, trailing 12-month mean, WHMCS Income Forecast rebuilt) on the same origins.`,
    '',
    '| world | invoices | served | WAPE 1m | 3m | 6m | 12m | best benchmark 1m | 3m | 12m | noise floor 1m | 3m | 12m | 80 % coverage | bias 12m |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.worlds.map(
      (w) =>
        `| ${w.preset} #${w.seed} | ${w.invoices} | ${w.headline.served} | ${pct(w.headline.wape[1])} | ${pct(w.headline.wape[3])} | ${pct(w.headline.wape[6])} | ${pct(w.headline.wape[12])} | ${pct(w.headline.bestBenchmarkWape[1])} | ${pct(w.headline.bestBenchmarkWape[3])} | ${pct(w.headline.bestBenchmarkWape[12])} | ${pct(w.floor?.noise[1])} | ${pct(w.floor?.noise[3])} | ${pct(w.floor?.noise[12])} | ${pct(w.headline.coverage80)} | ${pct(w.headline.bias[12])} |`,
    ),
    '',
    `| horizon (months) | ${Array.from({ length: 12 }, (_, k) => k + 1).join(' | ')} |`,
    `|---|${'---|'.repeat(12)}`,
    `| median WAPE | ${Array.from({ length: 12 }, (_, k) => pct(r.summary.medianWape[k + 1])).join(' | ')} |`,
    `| median best benchmark | ${Array.from({ length: 12 }, (_, k) => pct(r.summary.medianBestBenchmarkWape[k + 1])).join(' | ')} |`,
    `| worlds beating it | ${Array.from({ length: 12 }, (_, k) => pct(r.summary.beats[k + 1])).join(' | ')} |`,
    `| worlds beating it by 30 % | ${Array.from({ length: 12 }, (_, k) => pct(r.summary.beats30[k + 1])).join(' | ')} |`,
    '',
    `Median 80 % interval coverage: ${pct(r.summary.coverage80)} (per world ${pct(r.summary.coverage80Range[0])} to ${pct(r.summary.coverage80Range[1])}; training worlds' median ${pct(r.trainingMedianCoverage80)}). Each band is the simulated one widened or narrowed by the ${DEFAULT_PARAMS.intervalLevel}-quantile (interpolated at rank (n + 1) times the level; the level tuned on the training worlds, params.ts) of what the same source's earlier bands needed at that horizon, from periods over by the origin. Served per world: ${JSON.stringify(r.summary.served)}.`,
    '',
    '**The bound (noise floor).** At three origins of each held-out world (24, 18 and 12 months before its end) the simulator redrew the future ' +
      `${futures} times from the same past (\`alternativeFuture\`; bench/oracle.ts). The mean of those futures is the best forecast any method can make from the past; ` +
      "the futures' mean absolute deviation from it, over it, is the WAPE no method can go below (the irreducible noise of a business this size: a few large annual and triennial invoices decide a month). " +
      'The method against that mean is its own (model) error.',
    '',
    '| horizon (months) | 1 | 3 | 6 | 12 |',
    '|---|---|---|---|---|',
    `| median noise floor (irreducible WAPE) | ${[1, 3, 6, 12].map((h) => pct(r.summary.medianNoise[h])).join(' | ')} |`,
    `| median model error (method vs the futures' mean) | ${[1, 3, 6, 12].map((h) => pct(r.summary.medianModelVsOracle[h])).join(' | ')} |`,
    '| target (monthly cash collected) | 5.0 % | 8.0 % | – | 15.0 % |',
    `| worlds where 30 % below the best benchmark is below the noise floor (beat-by-30 % out of reach) | ${[1, 3, 6, 12].map((h) => pct(r.summary.beats30Bounded[h])).join(' | ')} |`,
    '| worlds beating the best benchmark by 30 % (target: 80 %) | ' +
      [1, 3, 6, 12].map((h) => pct(r.summary.beats30[h])).join(' | ') +
      ' |',
    '',
    r.speed
      ? `Speed (four runs in one process each; CPU time counts the garbage collector's threads, wall time includes waiting for a core on this shared 2-core machine): a forecast over ${r.speed.forecast.invoices} invoices took ${r.speed.forecast.fromColumns.cpuSeconds.join(' s, ')} s CPU (${r.speed.forecast.fromColumns.seconds.join(' s, ')} s wall) from the columnar ledger, and ${r.speed.forecast.fromObjects.cpuSeconds.join(' s, ')} s CPU (${r.speed.forecast.fromObjects.seconds.join(' s, ')} s wall) from the object ledger (a million objects with six bigints each that every major collection traces); a 24-origin backtest (with ${r.speed.backtest.warmUpOrigins} warm-up origins) over ${r.speed.backtest.invoices} invoices took ${r.speed.backtest.seconds} s wall (${r.speed.backtest.cpuSeconds} s CPU). What bounds the forecast (node --cpu-prof at 1M): the snapshot pass over the ledger, the series detector (two counting sorts and a six-cycle match per invoice), the payer classes (a map per client) and the per-series projection; the first run of a process pays for compiling the code (JIT) on top. The backtest is 36 such forecasts plus the benchmarks' scans of the cash history.`
      : 'Speed: not measured in this run.',
  ];
  return lines.join('\n');
}
