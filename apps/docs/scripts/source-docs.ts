import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

/*
 * The TSDoc comments beside a zod schema's keys, read from its source with TypeScript's parser.
 *
 * The shared schemas document their fields with TSDoc (`/** The WHMCS install's id *\/ source:`)
 * rather than `.describe()`, so `z.toJSONSchema` carries no descriptions. Reading the comments keeps
 * the reference pages in step with the code without writing a description twice. A description set
 * in the schema itself (`.meta({ description })`) wins over the comment.
 */

/** A TSDoc comment per key path (`sources.sync.fullEvery`; arrays add nothing to the path). */
export type FieldDocs = ReadonlyMap<string, string>;

interface Declaration {
  node: ts.Node;
  file: ts.SourceFile;
}

const parsed = new Map<string, ts.SourceFile>();

function parse(path: string): ts.SourceFile {
  let file = parsed.get(path);
  if (!file) {
    file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    parsed.set(path, file);
  }
  return file;
}

/** The text of the last TSDoc comment on a node, if any. */
function docOf(node: ts.Node): string | undefined {
  const doc = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc).at(-1);
  const text = doc ? ts.getTextOfJSDocComment(doc.comment) : undefined;
  return (
    text
      ?.replace(/\s*\n\s*/g, ' ')
      // `{@link WhmcsClient.invoicePages}` reads as the name it links to.
      .replace(
        /\{@link\s+([^\s}|]+)\s*\|?\s*([^}]*)\}/g,
        (_, target: string, label: string) => `\`${label.trim() || target}\``,
      )
      .trim() || undefined
  );
}

function topLevelConsts(file: ts.SourceFile): Map<string, ts.VariableDeclaration> {
  const out = new Map<string, ts.VariableDeclaration>();
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name)) out.set(declaration.name.text, declaration);
    }
  }
  return out;
}

/**
 * Where an exported name is declared, starting at a module's entry file and following
 * `export { name } from './file.ts'` re-exports.
 */
function findDeclaration(entry: string, name: string, depth = 0): Declaration | undefined {
  if (depth > 8) return undefined;
  const file = parse(entry);
  const local = topLevelConsts(file).get(name);
  if (local) return { node: local, file };
  for (const statement of file.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === name)
      return { node: statement, file };
    if (ts.isInterfaceDeclaration(statement) && statement.name.text === name)
      return { node: statement, file };
    if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
      const target = resolve(dirname(entry), (statement.moduleSpecifier as ts.StringLiteral).text);
      const clause = statement.exportClause;
      if (!clause) {
        const found = findDeclaration(target, name, depth + 1);
        if (found) return found;
      } else if (ts.isNamedExports(clause)) {
        const spec = clause.elements.find((element) => element.name.text === name);
        if (spec) return findDeclaration(target, spec.propertyName?.text ?? name, depth + 1);
      }
    }
  }
  return undefined;
}

// Calls whose object arguments are options, not fields: `.meta({ description })`, `.default({})`.
const OPTION_CALLS = new Set([
  'meta',
  'openapi',
  'describe',
  'default',
  'prefault',
  'catch',
  'refine',
  'superRefine',
  'transform',
  'check',
]);

/** The identifier a chain such as `durationSchema.default(300_000)` starts from. */
function rootIdentifier(node: ts.Expression): ts.Identifier | undefined {
  let current: ts.Expression = node;
  for (;;) {
    if (ts.isIdentifier(current)) return current;
    if (ts.isCallExpression(current) || ts.isPropertyAccessExpression(current)) current = current.expression;
    else if (ts.isParenthesizedExpression(current) || ts.isAsExpression(current))
      current = current.expression;
    else return undefined;
  }
}

/**
 * The TSDoc of every key of the zod schema exported as `name` from the module at `entry`. A key
 * without a comment of its own takes the comment of the named schema it is built from
 * (`secret: secretRefSchema` takes `secretRefSchema`'s).
 *
 * @example fieldDocs('packages/client/src/index.ts', 'invoiceSchema').get('number')
 */
export function fieldDocs(entry: string, name: string): FieldDocs {
  const out = new Map<string, string>();
  const found = findDeclaration(entry, name);
  if (!found || !ts.isVariableDeclaration(found.node) || !found.node.initializer) return out;

  // A named schema declared in this file, or imported into it (`import { x } from './x.ts'`).
  const lookup = (
    file: ts.SourceFile,
    id: string,
  ): { node: ts.VariableDeclaration; file: ts.SourceFile } | undefined => {
    const local = topLevelConsts(file).get(id);
    if (local) return { node: local, file };
    for (const statement of file.statements) {
      if (!ts.isImportDeclaration(statement) || statement.importClause?.isTypeOnly) continue;
      const bindings = statement.importClause?.namedBindings;
      if (!bindings || !ts.isNamedImports(bindings)) continue;
      const spec = bindings.elements.find((element) => element.name.text === id && !element.isTypeOnly);
      if (!spec) continue;
      const specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
      if (!specifier.startsWith('.')) continue; // a package's schemas are not followed
      const target = resolve(dirname(file.fileName), specifier);
      const imported = findDeclaration(target, spec.propertyName?.text ?? id);
      if (imported && ts.isVariableDeclaration(imported.node))
        return { node: imported.node, file: imported.file };
    }
    return undefined;
  };

  const visit = (
    node: ts.Node,
    file: ts.SourceFile,
    path: readonly string[],
    seen: ReadonlySet<string>,
  ): void => {
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return; // refinements, transforms
    if (ts.isIdentifier(node)) {
      const declaration = lookup(file, node.text);
      if (declaration?.node.initializer && !seen.has(node.text)) {
        visit(declaration.node.initializer, declaration.file, path, new Set([...seen, node.text]));
      }
      return;
    }
    if (ts.isPropertyAccessExpression(node)) {
      visit(node.expression, file, path, seen);
      return;
    }
    if (ts.isCallExpression(node)) {
      visit(node.expression, file, path, seen);
      const callee = ts.isPropertyAccessExpression(node.expression) ? node.expression.name.text : '';
      if (!OPTION_CALLS.has(callee)) for (const arg of node.arguments) visit(arg, file, path, seen);
      return;
    }
    if (ts.isObjectLiteralExpression(node)) {
      for (const property of node.properties) {
        if (!ts.isPropertyAssignment(property)) continue;
        const key = property.name.getText(file).replace(/^['"]|['"]$/g, '');
        const at = [...path, key];
        const root = rootIdentifier(property.initializer);
        const inherited = root ? lookup(file, root.text)?.node : undefined;
        const doc = docOf(property) ?? (inherited ? docOf(inherited) : undefined);
        if (doc) out.set(at.join('.'), doc);
        visit(property.initializer, file, at, seen);
      }
      return;
    }
    ts.forEachChild(node, (child) => visit(child, file, path, seen));
  };
  visit(found.node.initializer, found.file, [], new Set([name]));
  return out;
}

/**
 * The TSDoc of an exported declaration (a function, a const, an interface), or of one member of an
 * exported interface: `declarationDoc(entry, 'LoadOptions', 'path')`.
 */
export function declarationDoc(entry: string, name: string, member?: string): string | undefined {
  const found = findDeclaration(entry, name);
  if (!found) return undefined;
  if (member === undefined) return docOf(found.node);
  if (!ts.isInterfaceDeclaration(found.node)) return undefined;
  const field = found.node.members.find((m) => m.name?.getText(found.file) === member);
  return field ? docOf(field) : undefined;
}

/** One property of an exported interface, as its source declares it. */
export interface InterfaceMember {
  name: string;
  optional: boolean;
  /** The type as written in the source, e.g. `Partial<RetryPolicy> | false`. */
  type: string;
  doc?: string;
}

/**
 * The properties of an exported interface, in source order, with their types as written and their
 * TSDoc: `interfaceMembers(clientEntry, 'WhmcsClientOptions')`.
 */
export function interfaceMembers(entry: string, name: string): InterfaceMember[] {
  const found = findDeclaration(entry, name);
  if (!found || !ts.isInterfaceDeclaration(found.node)) {
    throw new Error(`${name}: no exported interface of that name from ${entry}`);
  }
  return found.node.members.filter(ts.isPropertySignature).map((member) => {
    const doc = docOf(member);
    return {
      name: member.name.getText(found.file),
      optional: member.questionToken !== undefined,
      type: member.type ? member.type.getText(found.file).replace(/\s+/g, ' ') : 'unknown',
      ...(doc ? { doc } : {}),
    };
  });
}
