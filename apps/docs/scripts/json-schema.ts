import { code } from './markdown.ts';

/*
 * Reading the JSON Schemas that zod (`z.toJSONSchema`) and the OpenAPI generator write, for the
 * reference pages: a short type for a table cell, and the objects a schema is made of, each as the
 * rows of one table.
 */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  $ref?: string;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  description?: string;
  example?: unknown;
  examples?: unknown[];
  [key: string]: unknown;
}

/** Names a `$ref` for the reader: `#/components/schemas/Invoice` is `Invoice`. */
export type RefName = (ref: string) => string;

const refTail: RefName = (ref) => ref.split('/').at(-1) ?? ref;

const MAX_INLINE_ENUM = 4;

// zod writes Number.MAX_SAFE_INTEGER as the maximum of every `.int()`: not a limit anyone sets.
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

function variants(schema: JsonSchema): JsonSchema[] | undefined {
  return schema.anyOf ?? schema.oneOf;
}

function types(schema: JsonSchema): string[] {
  if (schema.type === undefined) return [];
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

/** True for `null`, alone or as one of a union's types. */
export function isNullable(schema: JsonSchema): boolean {
  if (types(schema).includes('null')) return true;
  return variants(schema)?.some((v) => isNullable(v)) ?? false;
}

/** The schema without its `null` alternative (`T | null` becomes `T`). */
export function withoutNull(schema: JsonSchema): JsonSchema {
  const list = variants(schema);
  if (list) {
    const rest = list.filter((v) => !(types(v).length === 1 && types(v)[0] === 'null'));
    if (rest.length === 1) return { ...rest[0], description: schema.description ?? rest[0]?.description };
    return { ...schema, anyOf: rest, oneOf: undefined };
  }
  const rest = types(schema).filter((t) => t !== 'null');
  if (rest.length === types(schema).length) return schema;
  return { ...schema, type: rest.length === 1 ? rest[0] : rest };
}

function literal(value: unknown): string {
  return JSON.stringify(value);
}

function range(schema: JsonSchema): string | undefined {
  const min = schema.minimum ?? schema.exclusiveMinimum;
  const max = schema.maximum === UNBOUNDED ? undefined : (schema.maximum ?? schema.exclusiveMaximum);
  const low = schema.exclusiveMinimum !== undefined ? `> ${min}` : `≥ ${min}`;
  const high = schema.exclusiveMaximum !== undefined ? `< ${max}` : `≤ ${max}`;
  if (min !== undefined && max !== undefined && schema.exclusiveMinimum === undefined) return `${min}–${max}`;
  if (min !== undefined && max !== undefined) return `${low}, ${high}`;
  if (min !== undefined) return low;
  if (max !== undefined) return high;
  return undefined;
}

/**
 * A type as a reader writes it: `integer (1–1000)`, `string | null`, `"full" | "incremental"`,
 * `string[]`, `{ env: string }`, `Invoice`. Constraints that are regular expressions are left to
 * {@link constraints}.
 */
export function typeText(schema: JsonSchema, name: RefName = refTail): string {
  if (schema.$ref) return name(schema.$ref);
  if (schema.const !== undefined) return literal(schema.const);
  // A long list of values reads better in the description (see `constraints`).
  if (schema.enum && schema.enum.length > MAX_INLINE_ENUM) return typeof schema.enum[0];
  if (schema.enum) return schema.enum.map(literal).join(' | ');
  const list = variants(schema);
  if (list) return [...new Set(list.map((v) => typeText(v, name)))].join(' | ');
  if (schema.allOf?.length === 1 && schema.allOf[0]) return typeText(schema.allOf[0], name);
  const all = types(schema);
  if (all.length > 1) {
    return all.map((t) => (t === 'null' ? 'null' : typeText({ ...schema, type: t }, name))).join(' | ');
  }
  const [type] = all;
  switch (type) {
    case 'array': {
      const item = schema.items ? typeText(schema.items, name) : 'unknown';
      return / \| /.test(item) ? `(${item})[]` : `${item}[]`;
    }
    case 'object': {
      const props = Object.entries(schema.properties ?? {});
      if (props.length === 0) {
        const values = schema.additionalProperties;
        return typeof values === 'object' && Object.keys(values).length > 0
          ? `{ [key]: ${typeText(values, name)} }`
          : 'object';
      }
      if (props.length > 3) return 'object';
      const optional = (key: string) => (schema.required?.includes(key) ? '' : '?');
      return `{ ${props.map(([key, value]) => `${key}${optional(key)}: ${typeText(value, name)}`).join('; ')} }`;
    }
    case 'integer':
    case 'number': {
      const bounds = range(schema);
      return bounds ? `${type} (${bounds})` : type;
    }
    case 'string':
      return schema.format ? `string (${schema.format})` : 'string';
    case undefined:
      return 'any';
    default:
      return type;
  }
}

/** Constraints a type does not show (a pattern, a length, a long list of values), in Markdown. */
export function constraints(schema: JsonSchema): string[] {
  const out: string[] = [];
  const target = withoutNull(schema);
  if (target.enum && target.enum.length > MAX_INLINE_ENUM) {
    out.push(`one of ${target.enum.map((value) => code(String(value))).join(', ')}`);
  }
  // Formats such as `date` come with zod's own long pattern: the format says it better.
  if (target.pattern && !target.format) out.push(`matches ${code(target.pattern)}`);
  if (target.minLength !== undefined && target.minLength > 1)
    out.push(`at least ${target.minLength} characters`);
  if (target.maxLength !== undefined) out.push(`at most ${target.maxLength} characters`);
  return out;
}

/** Is this an object with named fields (one that earns its own table)? */
export function isRecordObject(schema: JsonSchema): boolean {
  return types(schema).includes('object') && Object.keys(schema.properties ?? {}).length > 0;
}

/** One field of an object, for a table row. */
export interface Field {
  key: string;
  schema: JsonSchema;
  required: boolean;
}

/** One object of a schema: where it is (`sources[].sync`), a label for a variant, its fields. */
export interface ObjectTable {
  path: string;
  /** For one alternative of a union of objects: which one, by its required keys. */
  variant?: string;
  description?: string;
  fields: Field[];
}

function fieldsOf(schema: JsonSchema): Field[] {
  return Object.entries(schema.properties ?? {}).map(([key, value]) => ({
    key,
    schema: value,
    required: schema.required?.includes(key) ?? false,
  }));
}

/** The alternatives of a union when each is an object with fields of its own (not `{ env }`). */
function objectVariants(schema: JsonSchema): JsonSchema[] | undefined {
  const list = variants(withoutNull(schema));
  if (!list || list.length < 2) return undefined;
  return list.every((v) => isRecordObject(v) && Object.keys(v.properties ?? {}).length > 1)
    ? list
    : undefined;
}

/**
 * Every object in a schema, outermost first, each with its path: `listen`, `tokens[]` (a union:
 * one table per alternative), `sources[]`, `sources[].credentials`, ... `$ref`s are not followed
 * (a referenced schema has its own section).
 */
export function objectTables(schema: JsonSchema, path = ''): ObjectTable[] {
  const out: ObjectTable[] = [];
  const visit = (node: JsonSchema, at: string, description?: string) => {
    const target = withoutNull(node);
    const union = objectVariants(target);
    if (union) {
      for (const alternative of union) {
        out.push({
          path: at,
          variant: (alternative.required ?? Object.keys(alternative.properties ?? {})).join(' + '),
          description,
          fields: fieldsOf(alternative),
        });
        for (const field of fieldsOf(alternative)) descend(field, at);
      }
      return;
    }
    if (isRecordObject(target)) {
      out.push({ path: at, description, fields: fieldsOf(target) });
      for (const field of fieldsOf(target)) descend(field, at);
      return;
    }
    if (types(target).includes('array') && target.items) visit(target.items, `${at}[]`, description);
  };
  const descend = (field: Field, at: string) => {
    const child = at ? `${at}.${field.key}` : field.key;
    const target = withoutNull(field.schema);
    if (target.$ref) return;
    if (isRecordObject(target) || objectVariants(target)) visit(target, child, field.schema.description);
    else if (types(target).includes('array') && target.items && !target.items.$ref) {
      visit(target.items, `${child}[]`, field.schema.description);
    }
  };
  visit(schema, path, schema.description);
  return out;
}

/** A dotted path without array markers, as the TSDoc reader keys comments: `sources.sync.fullEvery`. */
export function plainPath(path: string, key?: string): string {
  const full = key === undefined ? path : path ? `${path}.${key}` : key;
  return full.replaceAll('[]', '');
}
