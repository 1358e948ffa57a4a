/*
 * Started by figures-memory.test.ts with the bridge's heap flags: the exact figures routes over
 * the store at argv[2], through the real app; prints each answer's status, the figures the test
 * checks, and the heap after.
 */
import { createHarness } from '../src/api/testing/harness.ts';

const h = await createHarness({ path: process.argv[2]! });
const answers: Record<string, unknown> = {};
for (const path of [
  '/v1/receivables?source=eu&asOf=2024-06-14',
  '/v1/payment-behaviour?source=eu&asOf=2024-06-14',
  '/v1/revenue/figures?source=eu&from=2018-01&to=2024-12',
]) {
  const started = performance.now();
  const res = await h.get(path);
  const body = res.status === 200 ? await res.json() : await res.text();
  answers[path.split('?')[0]!] = { status: res.status, ms: Math.round(performance.now() - started), body };
}
await h.close();
console.log(
  JSON.stringify({
    answers,
    heapMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
