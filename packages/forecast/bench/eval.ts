/*
 * `pnpm forecast:eval --world world.json`: scores the forecast on any world (a JSON file of the
 * simulator's world options, see worldOptionsSchema) and prints the metrics and benchmarks as
 * JSON. `--origins N` (default 24) sets the monthly origins of the backtest.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { worldOptionsSchema } from '@forecaster/whmcs-sim';
import { evaluateWorld } from './evaluate.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    world: { type: 'string' },
    origins: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || !values.world) {
  console.error('Usage: pnpm forecast:eval --world world.json [--origins 24]');
  process.exit(values.help ? 0 : 2);
}
// pnpm runs package scripts in the package: a relative path is the caller's.
const input = JSON.parse(
  readFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), values.world), 'utf8'),
) as unknown;
const parsed = worldOptionsSchema.safeParse(input);
if (!parsed.success) {
  console.error(
    `forecast:eval: ${values.world} is not a world options object: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  );
  process.exit(2);
}
const evaluation = evaluateWorld(input as Parameters<typeof evaluateWorld>[0], {
  origins: values.origins ? Number(values.origins) : 24,
});
console.log(JSON.stringify(evaluation, null, 2));
