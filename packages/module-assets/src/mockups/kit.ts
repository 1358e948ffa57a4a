/**
 * The drawing kit the mock-ups share: an admin-area frame, form rows, controls and the orange marks
 * that point at what to fill in. Every function returns an SVG fragment as a string.
 *
 * The screens are drawn in the manner of WHMCS's admin area (navy bar, grey label cells, Bootstrap
 * controls) but are not copies of it. Presentation attributes only, no <style> element: the SVGs may be
 * inlined into a page several at a time, and a stylesheet in one would restyle the others.
 */

export const FONT_STACK = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
export const MONO_STACK = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace";

export const COLOR = {
  page: '#f3f5f8',
  panel: '#ffffff',
  border: '#d3dae3',
  label: '#eef1f5',
  text: '#24303d',
  muted: '#6b7785',
  navy: '#1f3857',
  navyText: '#dce6f2',
  primary: '#2f6fb3',
  selected: '#2f6fb3',
  mark: '#e8710a',
  markSoft: '#fff3e6',
  warnBg: '#fff7dd',
  warnBorder: '#e0a800',
  dim: '#0b1622',
} as const;

export const ROW_HEIGHT = 38;

interface TextOptions {
  size?: number;
  weight?: 'normal' | 'bold' | '600';
  fill?: string;
  anchor?: 'start' | 'middle' | 'end';
  mono?: boolean;
}

/** Escapes text for use in SVG content and attribute values. */
export function esc(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** A rough width for text in the system font, enough to size buttons and tabs. */
export function textWidth(value: string, size = 13): number {
  return Math.ceil(value.length * size * 0.56);
}

export function text(x: number, y: number, content: string, options: TextOptions = {}): string {
  const { size = 13, weight = 'normal', fill = COLOR.text, anchor = 'start', mono = false } = options;
  const attributes = [
    `x="${x}"`,
    `y="${y}"`,
    `font-size="${size}"`,
    weight === 'normal' ? '' : `font-weight="${weight}"`,
    `fill="${fill}"`,
    anchor === 'start' ? '' : `text-anchor="${anchor}"`,
    mono ? `font-family="${esc(MONO_STACK)}"` : '',
  ].filter(Boolean);
  return `<text ${attributes.join(' ')}>${esc(content)}</text>`;
}

/** Several lines of text, one below the other. */
export function lines(x: number, y: number, content: readonly string[], options: TextOptions = {}): string {
  const step = Math.round((options.size ?? 13) * 1.45);
  return content.map((line, index) => text(x, y + index * step, line, options)).join('');
}

interface BoxOptions {
  fill?: string;
  stroke?: string;
  radius?: number;
  strokeWidth?: number;
  opacity?: number;
}

export function box(x: number, y: number, width: number, height: number, options: BoxOptions = {}): string {
  const { fill = COLOR.panel, stroke = 'none', radius = 0, strokeWidth = 1, opacity } = options;
  const attributes = [
    `x="${x}"`,
    `y="${y}"`,
    `width="${width}"`,
    `height="${height}"`,
    radius ? `rx="${radius}"` : '',
    `fill="${fill}"`,
    stroke === 'none' ? '' : `stroke="${stroke}" stroke-width="${strokeWidth}"`,
    opacity === undefined ? '' : `opacity="${opacity}"`,
  ].filter(Boolean);
  return `<rect ${attributes.join(' ')}/>`;
}

/** A group with data attributes that tests and readers of the source can find. */
export function group(attributes: Record<string, string | boolean>, content: string): string {
  const rendered = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${esc(String(value))}"`)
    .join('');
  return `<g${rendered}>${content}</g>`;
}

/** A root <svg> with the accessible title and description screen readers announce. */
export function svgDocument(options: {
  id: string;
  title: string;
  description: string;
  width: number;
  height: number;
  content: string;
}): string {
  const { id, title, description, width, height, content } = options;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"`,
    ` role="img" aria-labelledby="${id}-title ${id}-desc" font-family="${esc(FONT_STACK)}">`,
    `<title id="${id}-title">${esc(title)}</title>`,
    `<desc id="${id}-desc">${esc(description)}</desc>`,
    box(0, 0, width, height, { fill: COLOR.page }),
    content,
    '</svg>',
  ].join('');
}

const NAV_ITEMS = ['Clients', 'Orders', 'Billing', 'Support', 'Reports', 'Utilities', 'Addons'];

/** The admin area's top bar, the breadcrumb of the menu path, and the page heading. */
export function adminFrame(width: number, menuPath: readonly string[], heading: string): string {
  let x = 150;
  const nav = NAV_ITEMS.map((item) => {
    const part = text(x, 30, item, { size: 13, fill: COLOR.navyText });
    x += textWidth(item, 13) + 26;
    return part;
  }).join('');
  const crumb = menuPath.join('  ›  ');
  return [
    box(0, 0, width, 48, { fill: COLOR.navy }),
    box(20, 13, 22, 22, { fill: '#3f8fd8', radius: 4 }),
    text(52, 30, 'WHMCS', { size: 16, weight: 'bold', fill: '#ffffff' }),
    nav,
    // A wrench-like glyph for Configuration, where System Settings lives in WHMCS 8.
    `<circle cx="${width - 128}" cy="24" r="7" fill="none" stroke="${COLOR.navyText}" stroke-width="2"/>`,
    text(width - 114, 29, 'Configuration', { size: 13, fill: COLOR.navyText }),
    text(24, 74, crumb, { size: 12, fill: COLOR.muted }),
    text(24, 106, heading, { size: 22, fill: COLOR.text }),
  ].join('');
}

export function panel(x: number, y: number, width: number, height: number): string {
  return box(x, y, width, height, { fill: COLOR.panel, stroke: COLOR.border, radius: 4 });
}

/** One row of a WHMCS settings table: a grey label cell and the control beside it. */
export function fieldRow(options: {
  x: number;
  y: number;
  width: number;
  labelWidth: number;
  label: string;
  control: string;
  height?: number;
}): string {
  const { x, y, width, labelWidth, label, control, height = ROW_HEIGHT } = options;
  return [
    box(x, y, labelWidth, height, { fill: COLOR.label }),
    `<line x1="${x}" y1="${y + height}" x2="${x + width}" y2="${y + height}" stroke="${COLOR.border}"/>`,
    text(x + labelWidth - 12, y + height / 2 + 5, label, { anchor: 'end', weight: '600', size: 13 }),
    control,
  ].join('');
}

export function input(
  x: number,
  y: number,
  width: number,
  value: string,
  options: { placeholder?: boolean; mono?: boolean; height?: number } = {},
): string {
  const height = options.height ?? 28;
  return [
    box(x, y, width, height, { fill: '#ffffff', stroke: '#bfc8d3', radius: 3 }),
    text(x + 9, y + height / 2 + 5, value, {
      size: 13,
      fill: options.placeholder ? '#9aa5b1' : COLOR.text,
      mono: options.mono ?? false,
    }),
  ].join('');
}

/** A drop-down showing its chosen value. */
export function select(x: number, y: number, width: number, value: string): string {
  const arrowX = x + width - 16;
  return [
    input(x, y, width, value),
    `<path d="M${arrowX - 4} ${y + 12} l4 5 l4 -5" fill="none" stroke="${COLOR.muted}" stroke-width="1.6"/>`,
  ].join('');
}

/** A checkbox; `data-checked` says whether it is ticked, for tests that read the drawing. */
export function checkbox(
  x: number,
  y: number,
  label: string,
  options: { checked: boolean; data?: Record<string, string> },
): string {
  const tick = options.checked
    ? box(x, y, 16, 16, { fill: COLOR.selected, radius: 3 }) +
      `<path d="M${x + 3.5} ${y + 8.5} l3 3 l6 -7" fill="none" stroke="#ffffff" stroke-width="2.2"/>`
    : box(x, y, 16, 16, { fill: '#ffffff', stroke: '#8d99a6', radius: 3 });
  return group(
    { ...options.data, 'data-checked': options.checked },
    tick + text(x + 24, y + 13, label, { size: 13, weight: options.checked ? 'bold' : 'normal' }),
  );
}

export function button(
  x: number,
  y: number,
  label: string,
  variant: 'primary' | 'default' | 'link' = 'default',
): string {
  const width = textWidth(label, 13) + 28;
  if (variant === 'link') return text(x, y + 19, label, { size: 13, fill: COLOR.primary });
  const primary = variant === 'primary';
  return [
    box(x, y, width, 30, {
      fill: primary ? COLOR.primary : '#ffffff',
      stroke: primary ? COLOR.primary : '#bfc8d3',
      radius: 3,
    }),
    text(x + width / 2, y + 20, label, { anchor: 'middle', fill: primary ? '#ffffff' : COLOR.text }),
  ].join('');
}

export function buttonWidth(label: string): number {
  return textWidth(label, 13) + 28;
}

/**
 * The orange mark around the one thing to fill in or click, with a numbered badge and, when given, a
 * short instruction in a note beside it. `data-highlight` names what is marked.
 */
export function highlight(options: {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
  step: number;
  content: string;
  note?: { x: number; y: number; lines: readonly string[] };
}): string {
  const { name, x, y, width, height, step, content, note } = options;
  const ring = box(x - 4, y - 4, width + 8, height + 8, {
    fill: 'none',
    stroke: COLOR.mark,
    strokeWidth: 3,
    radius: 6,
  });
  const badge = [
    `<circle cx="${x - 4}" cy="${y - 4}" r="11" fill="${COLOR.mark}"/>`,
    text(x - 4, y, String(step), { size: 12, weight: 'bold', fill: '#ffffff', anchor: 'middle' }),
  ].join('');
  // Notes are bold, which runs wider than textWidth's estimate for regular text.
  const noteWidth = note
    ? Math.max(...note.lines.map((line) => Math.ceil(textWidth(line, 12) * 1.12))) + 20
    : 0;
  const noteHeight = note ? note.lines.length * 17 + 12 : 0;
  const noteBox = note
    ? box(note.x, note.y, noteWidth, noteHeight, {
        fill: COLOR.markSoft,
        stroke: COLOR.mark,
        radius: 4,
      }) + lines(note.x + 10, note.y + 20, note.lines, { size: 12, fill: '#7a3a00', weight: '600' })
    : '';
  return group({ 'data-highlight': name }, content + ring + badge + noteBox);
}

/** A boxed warning or hint inside a screen. */
export function callout(x: number, y: number, width: number, content: readonly string[]): string {
  const height = content.length * 19 + 16;
  return [
    box(x, y, width, height, { fill: COLOR.warnBg, stroke: COLOR.warnBorder, radius: 4 }),
    box(x, y, 5, height, { fill: COLOR.warnBorder }),
    lines(x + 18, y + 24, content, { size: 13, fill: '#5c4400' }),
  ].join('');
}

/** A row of tabs; the active one joins the panel below it. */
export function tabs(x: number, y: number, labels: readonly string[], active: string, size = 13): string {
  let left = x;
  return labels
    .map((label) => {
      const width = textWidth(label, size) + 22;
      const isActive = label === active;
      const part = [
        box(left, y, width, 32, {
          fill: isActive ? COLOR.panel : '#e4e9ef',
          stroke: COLOR.border,
          radius: 3,
        }),
        isActive ? box(left + 1, y + 28, width - 2, 6, { fill: COLOR.panel }) : '',
        text(left + width / 2, y + 21, label, {
          size,
          anchor: 'middle',
          weight: isActive ? 'bold' : 'normal',
          fill: isActive ? COLOR.text : COLOR.muted,
        }),
      ].join('');
      left += width + 2;
      return part;
    })
    .join('');
}

/** A dialog over a dimmed page. */
export function modal(options: {
  pageWidth: number;
  pageHeight: number;
  x: number;
  y: number;
  width: number;
  height: number;
  title: string;
  content: string;
}): string {
  const { pageWidth, pageHeight, x, y, width, height, title, content } = options;
  return [
    box(0, 0, pageWidth, pageHeight, { fill: COLOR.dim, opacity: 0.45 }),
    box(x + 3, y + 5, width, height, { fill: '#000000', radius: 6, opacity: 0.18 }),
    box(x, y, width, height, { fill: COLOR.panel, stroke: '#aab4c0', radius: 6 }),
    text(x + 20, y + 32, title, { size: 17, weight: '600' }),
    text(x + width - 22, y + 31, '×', { size: 20, fill: COLOR.muted, anchor: 'middle' }),
    `<line x1="${x}" y1="${y + 50}" x2="${x + width}" y2="${y + 50}" stroke="${COLOR.border}"/>`,
    content,
  ].join('');
}
