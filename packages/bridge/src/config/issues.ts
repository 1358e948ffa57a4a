import type { z } from 'zod';

/*
 * zod's issues in the configuration's words: the key as the file spells it
 * (`sources[0].timeZone`), a typo answered with the nearest known key, and sentences instead
 * of zod's ("Invalid input: expected number, received string").
 */

type Path = ReadonlyArray<PropertyKey>;
type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
};

/** `sources[0].credentials.secret` from `['sources', 0, 'credentials', 'secret']`. */
export function keyOf(path: Path): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === 'number') return `${out}[${part}]`;
    return out ? `${out}.${String(part)}` : String(part);
  }, '');
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The object schemas a value at `path` may be (several inside a union). */
function objectsAt(schema: z.ZodType, path: Path): Array<Record<string, z.ZodType>> {
  const def = defOf(schema);
  const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
  if (inner) return objectsAt(inner, path);
  if (def.type === 'union') return (def.options ?? []).flatMap((option) => objectsAt(option, path));
  if (path.length === 0) return def.type === 'object' && def.shape ? [def.shape] : [];
  const [head, ...rest] = path;
  if (def.type === 'array' && typeof head === 'number' && def.element) return objectsAt(def.element, rest);
  if (def.type === 'object' && typeof head === 'string' && def.shape?.[head]) {
    return objectsAt(def.shape[head], rest);
  }
  return [];
}

/** The keys an object at `path` may have. */
export function knownKeys(schema: z.ZodType, path: Path): string[] {
  return [...new Set(objectsAt(schema, path).flatMap((shape) => Object.keys(shape)))];
}

/** Edits between two words, a swap of neighbours counting as one (Damerau-Levenshtein). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known key a typo most likely meant: same letters in another case, or a close spelling. */
export function nearestKey(typo: string, known: readonly string[]): string | undefined {
  const lower = typo.toLowerCase();
  const exact = known.find((key) => key.toLowerCase() === lower);
  if (exact) return exact;
  let best: { key: string; d: number } | undefined;
  for (const key of known) {
    const d = distance(lower, key.toLowerCase());
    if (d <= Math.max(1, Math.floor(key.length / 3)) && (!best || d < best.d)) best = { key, d };
  }
  return best?.key;
}

function valueAt(input: unknown, path: Path): unknown {
  let value = input;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
  return `${typeof value === 'number' ? 'the number' : typeof value} ${String(value)}`;
}

const EXPECTED: Record<string, string> = {
  string: 'a text in double quotes',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list [ ... ]',
  object: 'an object { ... }',
};

function unknownKey(key: string, known: readonly string[]): string {
  const near = nearestKey(key, known);
  return near
    ? `unknown key "${key}": did you mean "${near}"?`
    : `unknown key "${key}" (known here: ${known.join(', ')})`;
}

type Issue = z.core.$ZodIssue;

/** Where an unknown key is reported: at itself when it reads as a key, else at its object. */
const at = (path: Path, key: string): Path => (/^[A-Za-z_$][\w$-]*$/.test(key) ? [...path, key] : path);

/**
 * Inside a union (a secret reference, a token), the branch that got furthest says more than
 * the union's bare "Invalid input": its issue, with the path from the root.
 */
function deepestIssue(issues: readonly Issue[], prefix: PropertyKey[] = []): Issue {
  let best: Issue | undefined;
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    const candidate =
      issue.code === 'invalid_union' && issue.errors.length
        ? issue.errors
            .map((branch) => deepestIssue(branch, path))
            .reduce((a, b) => (b.path.length > a.path.length ? b : a))
        : { ...issue, path };
    if (!best || candidate.path.length > best.path.length) best = candidate;
  }
  return best ?? ({ code: 'custom', path: prefix, message: 'invalid', input: undefined } as Issue);
}

/** The most telling issue of a failed parse, as `{ key, message }` in the configuration's words. */
export function describeIssue(
  schema: z.ZodType,
  issues: readonly Issue[],
  input: unknown,
): { key: string; message: string } {
  const issue = deepestIssue(issues);
  const path = issue.path;
  const value = valueAt(input, path);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    return { key: keyOf(at(path, key)), message: unknownKey(key, knownKeys(schema, path)) };
  }
  if (issue.code === 'invalid_type' && value === undefined) {
    // A required key is missing: most often because it is misspelt beside it.
    const parent = path.slice(0, -1);
    const missing = String(path.at(-1));
    const known = knownKeys(schema, parent);
    const here = valueAt(input, parent);
    const typo =
      here && typeof here === 'object'
        ? Object.keys(here).find((key) => !known.includes(key) && nearestKey(key, [missing]) === missing)
        : undefined;
    if (typo) return { key: keyOf(at(parent, typo)), message: unknownKey(typo, known) };
    return { key: keyOf(path), message: 'is required' };
  }
  if (issue.code === 'invalid_type') {
    return {
      key: keyOf(path),
      message: `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${kind(value)}`,
    };
  }
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
    const word = issue.code === 'too_small' ? 'at least' : 'at most';
    const what =
      issue.origin === 'string'
        ? bound === 1 && issue.code === 'too_small'
          ? 'must not be empty'
          : `must be ${word} ${bound} characters long`
        : issue.origin === 'array'
          ? `must have ${word} ${bound} ${bound === 1 ? 'entry' : 'entries'}`
          : `must be ${word} ${bound}`;
    return { key: keyOf(path), message: value === undefined ? what : `${what}, not ${kind(value)}` };
  }
  if (issue.code === 'invalid_value') {
    const options = issue.values.map((v) => JSON.stringify(v)).join(', ');
    return { key: keyOf(path), message: `must be one of ${options}, not ${kind(value)}` };
  }
  return { key: keyOf(path), message: issue.message.replace(/^Invalid input: /, '') };
}

/**
 * Where a JSON syntax error is, as `line L, column C`, from the position V8 reports. The
 * message is V8's, which names what it expected.
 */
export function jsonSyntaxError(text: string, err: Error): string {
  const at = /at position (\d+)/.exec(err.message);
  const message = err.message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
  if (!at) return message;
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `line ${line}, column ${column}: ${message}`;
}
