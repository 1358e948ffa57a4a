import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/*
 * A month-by-month chart on uPlot (canvas, no eval, no globals). Values are floats for drawing
 * only: every figure a person reads is in the table beside it, exact.
 */

export interface ChartSeries {
  label: string;
  values: ReadonlyArray<number | null>;
  color: string;
  kind: 'bars' | 'line' | 'dashed';
}

function monthStart(month: string): number {
  const [y, m] = month.split('-').map(Number);
  return Date.UTC(y!, m! - 1, 1) / 1000;
}

export function MonthChart({
  months,
  series,
  band,
  height = 260,
  formatValue,
  label,
}: {
  months: readonly string[];
  series: readonly ChartSeries[];
  /** A shaded range between two series (e.g. p10-p90), by their indexes in `series`. */
  band?: [number, number];
  height?: number;
  formatValue: (value: number) => string;
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || months.length === 0) return;
    // Bar series stand side by side in each month: the first to the left, the second to the right.
    const barCount = series.filter((s) => s.kind === 'bars').length;
    const bars = (i: number) =>
      uPlot.paths.bars!({
        size: [barCount > 1 ? 0.35 : 0.6, 40],
        align: barCount > 1 ? (i === 0 ? -1 : 1) : 0,
      });
    let barIndex = 0;
    const options: uPlot.Options = {
      width: Math.max(320, el.clientWidth),
      height,
      scales: { x: { time: true } },
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      axes: [
        {},
        {
          size: 80,
          values: (_u, ticks) => ticks.map((t) => formatValue(t)),
        },
      ],
      series: [
        { label: 'Month', value: (_u, v) => (v == null ? '' : new Date(v * 1000).toISOString().slice(0, 7)) },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.kind === 'bars' ? 1 : 2,
          ...(s.kind === 'bars'
            ? { fill: `${s.color}99`, paths: bars(barIndex++), points: { show: false } }
            : {}),
          ...(s.kind === 'dashed' ? { dash: [6, 4] } : {}),
          value: (_u: uPlot, v: number | null) => (v == null ? '—' : formatValue(v)),
        })),
      ],
      ...(band ? { bands: [{ series: band, fill: 'rgba(51,122,183,0.15)' }] } : {}),
    };
    const data: uPlot.AlignedData = [months.map(monthStart), ...series.map((s) => [...s.values])];
    const plot = new uPlot(options, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(320, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [months, series, band, height, formatValue]);
  return <div class="cf-chart" ref={box} role="img" aria-label={label} />;
}
