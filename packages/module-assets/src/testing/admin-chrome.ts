import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { MODULE_TITLE } from '../module/operations.ts';

/*
 * A page that looks like WHMCS's Blend admin theme around the module, for the preview and the
 * PHP harness: Bootstrap 3.4.1 (as Blend ships it) plus Blend's colours, copied as values from
 * the design notes rather than from Blend's proprietary stylesheet. It deliberately carries
 * global Bootstrap styles and a `Chart`/`$` free page, so the module is seen beside what it will
 * really sit in.
 */

const BLEND_LOOK = `
body { font-family: "Open Sans", "Helvetica Neue", Arial, sans-serif; background: #f6f6f6; color: #333; font-size: 13px; }
.whmcs-topbar { background: #1a4d80; height: 45px; color: #fff; display: flex; align-items: center; padding: 0 15px; gap: 20px; }
.whmcs-topbar a { color: #fff; font-weight: 600; }
.whmcs-topbar .whmcs-brand { font-size: 16px; font-weight: 700; letter-spacing: .5px; }
.whmcs-layout { display: flex; min-height: calc(100vh - 45px - 30px); }
.whmcs-sidebar { width: 195px; flex: none; padding: 15px 10px; }
.whmcs-sidebar .sidebar-header { font-weight: 700; color: #444; background: rgba(0,0,0,.05); padding: 6px 10px; margin-bottom: 6px; }
.whmcs-sidebar a { display: block; padding: 4px 10px; color: #202f60; }
.contentarea { flex: 1; background: #fff; padding: 15px; border-left: 1px solid #ccc; min-width: 0; }
.contentarea h1 { font-size: 1.4em; color: #333; font-weight: 400; margin: 0 0 20px; }
a { color: #202f60; }
.whmcs-footer { background: #1a4d80; color: #fff; font-size: .9em; padding: 6px 15px; height: 30px; }
.form-control { height: 30px; border-radius: 2px; padding: 4px 8px; }
`;

const require = createRequire(import.meta.url);

/** Bootstrap 3.4.1's stylesheet, as Blend loads it. */
export function bootstrapCss(): string {
  return readFileSync(require.resolve('bootstrap/dist/css/bootstrap.min.css'), 'utf8');
}

/** Blend's layout and colours, as values. */
export function blendLookCss(): string {
  return BLEND_LOOK;
}

export interface AdminChromeOptions {
  /** Where the page loads Bootstrap and the Blend look from (served by the host). */
  bootstrapHref: string;
  blendHref: string;
  /** A line under the title, e.g. "Preview: demo data". */
  banner?: string;
}

/**
 * The admin page around the module's output, split where the module's HTML goes.
 *
 * @example
 * const [head, foot] = adminChrome({ bootstrapHref: 'b.css', blendHref: 'blend.css' });
 * res.end(head + moduleHtml + foot);
 */
export function adminChrome(options: AdminChromeOptions): [string, string] {
  const text = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const head = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="same-origin">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${text(MODULE_TITLE)} - WHMCS</title>
<link rel="stylesheet" href="${text(options.bootstrapHref)}">
<link rel="stylesheet" href="${text(options.blendHref)}">
</head>
<body>
<div class="whmcs-topbar"><span class="whmcs-brand">WHMCS</span><a href="#">Clients</a><a href="#">Orders</a><a href="#">Billing</a><a href="#">Support</a><a href="#">Reports</a><a href="#">Addons</a></div>
<div class="whmcs-layout">
<div class="whmcs-sidebar"><div class="sidebar-header">Addons</div><a href="#">${text(MODULE_TITLE)}</a></div>
<div class="contentarea" id="contentarea">
<h1>${text(MODULE_TITLE)}</h1>
${options.banner ? `<div class="alert alert-info">${text(options.banner)}</div>\n` : ''}`;
  const foot = `
</div>
</div>
<div class="whmcs-footer">Copyright &copy; WHMCS (look-alike for testing and previews)</div>
</body>
</html>
`;
  return [head, foot];
}
