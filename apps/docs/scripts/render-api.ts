import { STATUS_CODES } from 'node:http';
import {
  ERROR_STATUS,
  type OpenApiDocument,
  type OpenApiOperation,
  type OpenApiParameter,
  type OpenApiResponse,
} from './bridge.ts';
import { constraints, isRecordObject, type JsonSchema, objectTables, typeText } from './json-schema.ts';
import { code, fence, generatedPage, prose, slug, table } from './markdown.ts';

/*
 * reference/api.md from the OpenAPI document the bridge serves at /openapi.json: authentication,
 * the error envelope and its codes, every path and method with its parameters and responses, and
 * every schema the responses name.
 */

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export interface Operation {
  method: string;
  path: string;
  operation: OpenApiOperation;
}

/** Every path and method, in the document's order. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({
      method: method.toUpperCase(),
      path,
      operation: item[method]!,
    })),
  );
}

/** The anchor of an operation's section: `get-v1-sources-id-sync`. */
export function operationAnchor(method: string, path: string): string {
  return slug(`${method} ${path}`);
}

function schemaAnchor(name: string): string {
  return `schema-${slug(name)}`;
}

// Private-use characters mark a referenced schema's name inside a type's text.
const REF = /\uE000([^\uE001]*)\uE001/;

/** A type for a table cell: literal parts as code, referenced schemas as links to their section. */
function typeCell(schema: JsonSchema | undefined): string {
  if (!schema) return '';
  const text = typeText(schema, (ref) => `\uE000${ref.split('/').at(-1)}\uE001`);
  const parts = text.split(REF);
  return parts
    .map((part, index) => {
      // `Name[]`: the brackets belong to the link.
      if (index % 2 === 1) {
        const list = parts[index + 1]?.startsWith('[]') ? '\\[\\]' : '';
        return `[${part}${list}](#${schemaAnchor(part)})`;
      }
      const trimmed = (index > 0 && part.startsWith('[]') ? part.slice(2) : part).trim();
      return trimmed ? code(trimmed) : '';
    })
    .filter(Boolean)
    .join(' ');
}

function describeSchema(schema: JsonSchema, fallback?: string): string {
  const text = schema.description ?? fallback;
  const extra = constraints(schema);
  return [text ? prose(text) : '', ...extra].filter(Boolean).join('; ');
}

function authOf(doc: OpenApiDocument, operation: OpenApiOperation): string {
  const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
  if (schemes.length === 0) return 'none';
  return schemes
    .map((name) => {
      const scheme = doc.components?.securitySchemes?.[name];
      return scheme?.scheme === 'bearer' ? '[bearer token](#authentication)' : `[${name}](#authentication)`;
    })
    .join(' or ');
}

function parameterRows(parameters: readonly OpenApiParameter[]): string[][] {
  return parameters.map((p) => {
    const example = p.example ?? p.schema?.example;
    const description = [
      describeSchema(p.schema ?? {}, p.description),
      example === undefined ? '' : `example: ${code(String(example))}`,
    ]
      .filter(Boolean)
      .join('; ');
    return [code(p.name), p.in, typeCell(p.schema), p.required ? 'yes' : 'no', description];
  });
}

function bodyOf(content: Record<string, { schema?: JsonSchema }> | undefined): string {
  if (!content) return '';
  return Object.entries(content)
    .map(([type, media]) => `${typeCell(media.schema) || 'any'} (${code(type)})`)
    .join(', ');
}

function responseRows(responses: Record<string, OpenApiResponse>): string[][] {
  return Object.entries(responses).map(([status, response]) => {
    const headers = Object.entries(response.headers ?? {}).map(
      ([name, header]) => `${code(name)}${header.description ? `: ${prose(header.description)}` : ''}`,
    );
    return [`**${status}**`, prose(response.description), bodyOf(response.content), headers.join('<br>')];
  });
}

function operationSection(doc: OpenApiDocument, { method, path, operation }: Operation): string {
  const parts = [
    `### ${method} ${code(path)} {#${operationAnchor(method, path)}}`,
    operation.summary ? `**${prose(operation.summary)}**` : '',
    operation.description ? prose(operation.description) : '',
    `Authentication: ${authOf(doc, operation)}`,
  ];
  if (operation.parameters?.length) {
    parts.push(
      '**Parameters**',
      table(['Name', 'In', 'Type', 'Required', 'Description'], parameterRows(operation.parameters)),
    );
  }
  if (operation.requestBody) {
    const required = operation.requestBody.required ? 'required' : 'optional';
    parts.push(`**Request body** (${required}): ${bodyOf(operation.requestBody.content)}`);
  }
  parts.push(
    '**Responses**',
    table(['Status', 'Meaning', 'Body', 'Headers'], responseRows(operation.responses)),
  );
  return parts.filter(Boolean).join('\n\n');
}

function schemaSection(name: string, schema: JsonSchema): string {
  const parts = [`### ${name} {#${schemaAnchor(name)}}`];
  if (schema.description) parts.push(prose(schema.description));
  if (name === 'Invoice') {
    parts.push('Every field and what it means: [the invoice](./invoice#fields).');
  }
  const tables = isRecordObject(schema) || schema.anyOf ? objectTables(schema) : [];
  if (tables.length === 0) {
    parts.push(`Type: ${typeCell(schema)}`);
  }
  for (const item of tables) {
    const rows = item.fields.map((field) => [
      code(field.key),
      typeCell(field.schema),
      field.required ? 'yes' : 'no',
      describeSchema(field.schema),
    ]);
    const title = item.path ? `**${code(`${name}.${item.path}`)}**` : '';
    const variant = item.variant ? ` (with ${item.variant.split(' + ').map(code).join(' and ')})` : '';
    if (title || variant) parts.push(`${title || `**${name}**`}${variant}`);
    parts.push(table(['Field', 'Type', 'Required', 'Description'], rows));
  }
  if (schema.example !== undefined) parts.push(fence('json', JSON.stringify(schema.example, null, 2)));
  return parts.join('\n\n');
}

/**
 * Each error code of the envelope with its status (the bridge's one table, ERROR_STATUS) and the
 * meaning the routes give it.
 */
export function errorCodes(
  doc: OpenApiDocument,
): Array<{ code: string; statuses: string[]; meaning: string }> {
  const envelope = doc.components?.schemas?.Error;
  const codes = (envelope?.properties?.error?.properties?.code?.enum ?? []) as string[];
  const uses = new Map<string, Map<string, string>>();
  for (const { operation } of operationsOf(doc)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      for (const match of response.description.matchAll(/`([a-z_]+)`/g)) {
        const name = match[1]!;
        if (!codes.includes(name)) continue;
        const byStatus = uses.get(name) ?? new Map<string, string>();
        byStatus.set(status, response.description);
        uses.set(name, byStatus);
      }
    }
  }
  return codes.map((name) => {
    const used = uses.get(name);
    if (used) {
      // The meaning is the clause that names the code: "a failing source retried too soon".
      const [description] = [...used.values()];
      const clause =
        description!
          .split(/;|\bor\b/)
          .find((part) => part.includes(`\`${name}\``))
          ?.replace(/\s*\(`[a-z_]+`\)\s*/, '')
          .trim() ?? description!;
      return {
        code: name,
        statuses: statusOf(name),
        meaning: clause.replace(/^./, (c) => c.toUpperCase()),
      };
    }
    // Codes the middleware answers on any route: the status whose reason phrase names them.
    const words = name.split('_');
    const status = Object.entries(STATUS_CODES).find(([, phrase]) => {
      const said = (phrase ?? '').toLowerCase().split(/\W+/);
      let at = 0;
      for (const word of said) if (word === words[at]) at++;
      return at === words.length;
    });
    return { code: name, statuses: statusOf(name), meaning: status?.[1] ?? '' };
  });
}

function statusOf(code: string): string[] {
  const status = (ERROR_STATUS as Record<string, number>)[code];
  return status === undefined ? [] : [String(status)];
}

/** The API reference page. */
export function renderApiMarkdown(doc: OpenApiDocument): string {
  const operations = operationsOf(doc);
  const tags = [...new Set(operations.map((o) => o.operation.tags?.[0] ?? 'Other'))];
  const schemes = Object.entries(doc.components?.securitySchemes ?? {});
  const open = operations.filter((o) => authOf(doc, o.operation) === 'none');
  const envelope = doc.components?.schemas?.Error;

  const body = [
    '# HTTP API',
    doc.info.description ? prose(doc.info.description) : '',
    `${doc.info.title} ${doc.info.version}, described by OpenAPI ${doc.openapi}. A running bridge serves this description at ${code('GET /openapi.json')}; give it to a client generator or an API browser.`,
    '## Endpoints {#endpoints}',
    table(
      ['Method', 'Path', 'Summary', 'Authentication'],
      operations.map((o) => [
        o.method,
        `[${code(o.path)}](#${operationAnchor(o.method, o.path)})`,
        prose(o.operation.summary ?? ''),
        authOf(doc, o.operation),
      ]),
    ),
    '## Authentication {#authentication}',
    ...schemes.map(([name, scheme]) =>
      [
        `${code(name)}: ${scheme.type}${scheme.scheme ? ` (${code(scheme.scheme)})` : ''}.`,
        scheme.description ? prose(scheme.description) : '',
      ]
        .filter(Boolean)
        .join(' '),
    ),
    open.length > 0
      ? `Open without a token, for orchestrators and scrapers: ${open.map((o) => `[${code(o.path)}](#${operationAnchor(o.method, o.path)})`).join(', ')}.`
      : '',
    '## Errors {#errors}',
    `Every error answers with the same JSON envelope, whatever the route. Branch on ${code('error.code')}, never on the message. Quote ${code('requestId')} when reporting a problem: the bridge's log lines carry it too.`,
    envelope ? schemaSection('Error', envelope) : '',
    table(
      ['Code', 'Status', 'Meaning'],
      errorCodes(doc).map((e) => [code(e.code), e.statuses.join(', '), prose(e.meaning)]),
    ),
    ...tags.flatMap((tag) => [
      `## ${prose(tag)} {#${slug(`tag ${tag}`)}}`,
      ...operations
        .filter((o) => (o.operation.tags?.[0] ?? 'Other') === tag)
        .map((o) => operationSection(doc, o)),
    ]),
    '## Schemas {#schemas}',
    ...Object.entries(doc.components?.schemas ?? {})
      .filter(([name]) => name !== 'Error')
      .map(([name, schema]) => schemaSection(name, schema)),
  ];
  return generatedPage({
    title: 'HTTP API',
    from: 'the OpenAPI document of createApp (packages/bridge/src/api)',
    outline: [2, 3],
    body: body.filter(Boolean).join('\n\n'),
  });
}
