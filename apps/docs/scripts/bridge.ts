import {
  bridgeConfigSchema,
  bridgeEnvSchema,
  openApiDocument as describeApi,
  durationSchema,
  ERROR_STATUS,
  loadConfig,
  VERSION,
} from '@forecaster/bridge';
import type { JsonSchema } from './json-schema.ts';

export { bridgeConfigSchema, bridgeEnvSchema, durationSchema, ERROR_STATUS, loadConfig };

/** The parts of an OpenAPI 3.1 document the API reference reads. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: {
    schemas?: Record<string, JsonSchema>;
    securitySchemes?: Record<string, { type: string; scheme?: string; description?: string }>;
  };
}

export interface OpenApiParameter {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
  example?: unknown;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, { description?: string; schema?: JsonSchema }>;
  content?: Record<string, { schema?: JsonSchema }>;
}

export interface OpenApiOperation {
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  responses: Record<string, OpenApiResponse>;
}

/** The document a running bridge of this version serves at `GET /openapi.json`. */
export function openApiDocument(): OpenApiDocument {
  return describeApi({ version: VERSION }) as unknown as OpenApiDocument;
}
