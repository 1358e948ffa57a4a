import { describe, expect, it } from 'vitest';
import { openApiDocument } from './bridge.ts';
import { errorCodes, operationAnchor, operationsOf, renderApiMarkdown } from './render-api.ts';

const doc = openApiDocument();
const page = renderApiMarkdown(doc);

/** The section of one operation, up to the next heading of its level or above. */
function section(anchor: string): string {
  const start = page.indexOf(`{#${anchor}}`);
  const next = page.slice(start).search(/\n#{2,3} /);
  return start < 0 ? '' : page.slice(start, next < 0 ? undefined : start + next);
}

describe('the HTTP API page', () => {
  it('has a section for every path and method of the OpenAPI document, with its parameters', () => {
    const operations = operationsOf(doc);
    expect(operations.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining(['GET /v1/invoices', 'POST /v1/sources/{id}/sync', 'GET /openapi.json']),
    );
    for (const { method, path, operation } of operations) {
      const text = section(operationAnchor(method, path));
      expect(text, `${method} ${path}`).not.toBe('');
      for (const parameter of operation.parameters ?? []) expect(text).toContain(`| \`${parameter.name}\` |`);
      for (const status of Object.keys(operation.responses)) expect(text).toContain(`| **${status}** |`);
    }
  });

  it('has a section for every schema a response names', () => {
    for (const name of Object.keys(doc.components?.schemas ?? {})) {
      expect(page, name).toContain(`{#schema-${name.toLowerCase()}}`);
    }
  });

  it('gives every error code of the envelope an HTTP status', () => {
    const codes = errorCodes(doc);
    expect(codes.map((c) => c.code)).toEqual(expect.arrayContaining(['invalid_request', 'unauthorized']));
    for (const { code, statuses } of codes) {
      expect(statuses.length, code).toBeGreaterThan(0);
      expect(page).toContain(`| \`${code}\` | ${statuses.join(', ')} |`);
    }
    expect(codes.find((c) => c.code === 'login_cooldown')?.statuses).toEqual(['429']);
  });

  it('says which routes need the bearer token', () => {
    expect(section(operationAnchor('GET', '/v1/invoices'))).toContain('Authentication: [bearer token]');
    expect(section(operationAnchor('GET', '/healthz'))).toContain('Authentication: none');
  });
});
