/*
 * What bounds each target that can be missed, as found by profiling (BENCHMARKS.md prints the
 * one for every target a run misses). Keyed by figure key.
 */
export const EXPLAIN: Record<string, string> = {};
