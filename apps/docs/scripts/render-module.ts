import { operations, PROXY_ERRORS } from '@forecaster/module-assets';

/*
 * The module's reference tables, from the same lists the PHP proxy is generated from: the
 * operations the page may run, and every error the proxy answers with its fix.
 */

// Table cells: no pipe, no markup (a `<` would be read as HTML), no `{` (Vue's interpolation).
const cell = (text: string) =>
  text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\{/g, '&#123;');

export function renderModuleOperationsTable(): string {
  const kinds = {
    read: 'read (GET)',
    action: 'action (POST, CSRF token)',
    write: 'write (POST, CSRF token, allowed roles)',
  } as const;
  const rows = operations.map(
    (o) =>
      `| \`${o.op}\` | ${kinds[o.kind]} | \`${o.method} ${o.path}\` | ${o.params.map((p) => `\`${p.name}\``).join(', ') || '—'} | ${cell(o.summary)} |`,
  );
  return [
    '| Operation | Kind | Bridge call | Parameters | What for |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

export function renderModuleErrorsTable(): string {
  const rows = Object.entries(PROXY_ERRORS).map(
    ([code, e]) =>
      `| \`${code}\` | ${e.status} | ${cell(e.message).replace(/&#123;([a-z]+)\}/g, '*$1*')} | ${e.fix.map(cell).join('<br>')} |`,
  );
  return ['| Code | HTTP | What the page says | What to do |', '| --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}
