import type { Evaluation } from './evaluate.ts';

/**
 * An SVG of a backtest: at each monthly origin, the forecast of the next month's cash (line),
 * its 80 % interval (band) and what was collected (dots). Plain SVG, no library: the docs
 * embed the file.
 */
export function renderChart(e: Evaluation): string {
  const points = e.oneAhead;
  const width = 720;
  const height = 300;
  const pad = { left: 70, right: 20, top: 30, bottom: 40 };
  const max = Math.max(1, ...points.flatMap((p) => [p.p90, p.a, p.f])) * 1.05;
  const min = Math.min(...points.flatMap((p) => [p.p10, p.a, p.f])) * 0.95;
  const x = (k: number) => pad.left + (k * (width - pad.left - pad.right)) / Math.max(1, points.length - 1);
  const y = (v: number) => pad.top + ((max - v) * (height - pad.top - pad.bottom)) / (max - min || 1);
  const band = [
    ...points.map((p, k) => `${x(k).toFixed(1)},${y(p.p90).toFixed(1)}`),
    ...points.map((p, k) => `${x(k).toFixed(1)},${y(p.p10).toFixed(1)}`).reverse(),
  ].join(' ');
  const line = points.map((p, k) => `${x(k).toFixed(1)},${y(p.f).toFixed(1)}`).join(' ');
  const dots = points
    .map((p, k) => `<circle cx="${x(k).toFixed(1)}" cy="${y(p.a).toFixed(1)}" r="3.5" fill="#d9480f"/>`)
    .join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((q) => min + (max - min) * q);
  const grid = ticks
    .map(
      (v) =>
        `<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e9ecef"/>` +
        `<text x="${pad.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#495057">${Math.round(v).toLocaleString('en-US')}</text>`,
    )
    .join('');
  const title = `Backtest, ${String(e.world.preset)} world (seed ${String(e.world.seed)}): next month's cash, ${e.headline.currency}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif">
<title>${title}</title>
<rect width="${width}" height="${height}" fill="#fff"/>
${grid}
<polygon points="${band}" fill="#74c0fc" fill-opacity="0.35"/>
<polyline points="${line}" fill="none" stroke="#1864ab" stroke-width="2"/>
${dots}
<text x="${pad.left}" y="18" font-size="13" fill="#212529">${title}</text>
<text x="${pad.left}" y="${height - 12}" font-size="11" fill="#495057">24 monthly origins, oldest left. Line: forecast; band: 80 % interval; dots: cash collected.</text>
</svg>
`;
}
