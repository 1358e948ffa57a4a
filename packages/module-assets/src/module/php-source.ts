import {
  ANSWER_TYPES,
  MODULE_NAME,
  MODULE_TITLE,
  MODULE_VERSION,
  operations,
  UPLOAD_LIMITS,
} from './operations.ts';
import { PROXY_ERRORS } from './proxy-errors.ts';

/*
 * Writes the operation list and the proxy's error catalogue as PHP, so the PHP proxy reads the
 * same data the TypeScript side does. Values are rendered as PHP literals by hand (single-quoted
 * strings, `array(...)`), which parse on PHP 7.2.
 */

type PhpValue = string | number | boolean | null | readonly PhpValue[] | { readonly [key: string]: PhpValue };

/** A PHP literal for a JSON-like value. */
export function phpLiteral(value: PhpValue, indent = ''): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`phpLiteral: ${value} is not a safe integer`);
    return String(value);
  }
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const inner = `${indent}    `;
  const entries = Array.isArray(value)
    ? value.map((v) => `${inner}${phpLiteral(v, inner)},`)
    : Object.entries(value).map(
        ([k, v]) => `${inner}${phpLiteral(k)} => ${phpLiteral(v as PhpValue, inner)},`,
      );
  return entries.length ? `array(\n${entries.join('\n')}\n${indent})` : 'array()';
}

/**
 * The module's `lib/operations.php`.
 *
 * @example
 * writeFileSync(join(moduleDir, 'lib/operations.php'), renderPhpOperations());
 */
export function renderPhpOperations(): string {
  const byOp = Object.fromEntries(
    operations.map((o) => [
      o.op,
      {
        method: o.method,
        path: o.path,
        kind: o.kind,
        params: o.params.map((p) => ({ ...p })),
        upload: o.upload ?? null,
        answer: o.answer,
      },
    ]),
  );
  return `<?php
// Generated from @forecaster/module-assets (src/module/operations.ts, proxy-errors.ts) by the
// module build: do not edit. The TypeScript side reads the same lists.
namespace CommitmentForecaster;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

const MODULE_NAME = ${phpLiteral(MODULE_NAME)};
const MODULE_VERSION = ${phpLiteral(MODULE_VERSION)};
const MODULE_TITLE = ${phpLiteral(MODULE_TITLE)};

/** Every operation the page may run, by name; nothing else reaches the bridge. */
function operations()
{
    return ${phpLiteral(byOp, '    ')};
}

/** What the bridge takes in one upload, in bytes and files. */
function upload_limits()
{
    return ${phpLiteral(UPLOAD_LIMITS, '    ')};
}

/** The only types a file answer is passed on with. */
function answer_types()
{
    return ${phpLiteral(ANSWER_TYPES, '    ')};
}

/** The proxy's own errors: HTTP status, message (with {placeholders}) and fix steps. */
function proxy_errors()
{
    return ${phpLiteral(PROXY_ERRORS as unknown as PhpValue, '    ')};
}
`;
}
