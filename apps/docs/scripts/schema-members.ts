import { z } from 'zod';
import { constraints, type JsonSchema, typeText } from './json-schema.ts';

/*
 * The fields of an options schema (the client's `whmcsClientOptionsSchema`, ...) for a table: name,
 * whether it is required, its type and its description, all read from the schema's JSON Schema.
 * A field JSON Schema cannot describe (a function, a fetch, an AbortSignal) names its TypeScript
 * type in its metadata (`tsType`).
 */

export interface SchemaMember {
  name: string;
  optional: boolean;
  /** `string`, `integer (> 0)`, `"asc" | "desc"`, or the `tsType` the schema names. */
  type: string;
  doc?: string;
}

export function schemaMembers(schema: z.ZodObject): SchemaMember[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return Object.entries(json.properties ?? {}).map(([name, field]) => {
    const extra = constraints(field);
    const text = extra.length > 0 ? field.description?.replace(/\.$/, '') : field.description;
    const doc = [text, ...extra].filter(Boolean).join('; ');
    return {
      name,
      optional: !json.required?.includes(name),
      type: typeof field.tsType === 'string' ? field.tsType : typeText(field),
      ...(doc ? { doc } : {}),
    };
  });
}
