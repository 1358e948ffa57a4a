import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

/*
 * The members of the client's option interfaces (WhmcsClientOptions, RetryPolicy, ...), with their
 * TSDoc, read from the client's source with TypeScript's parser, through its package entry. Those
 * are TypeScript interfaces (functions, a fetch, an AbortSignal), not zod schemas. Every zod
 * schema describes its own fields (`.meta({ description })`): the pages render those from the
 * schemas' JSON Schema, without reading any source.
 */

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
