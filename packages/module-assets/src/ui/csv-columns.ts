/**
 * The columns as the bridge documents them in its API description (the export's "Columns, in
 * this order: `name`: meaning; ..."), the same definitions the import reads and the docs list.
 */
export function documentedColumns(
  paths: Record<string, unknown>,
  path: string,
): Array<{ name: string; meaning: string }> {
  const description = (paths[path] as { get?: { description?: string } } | undefined)?.get?.description ?? '';
  return [...description.matchAll(/`([a-z_]+)`: (.+?)(?=; `[a-z_]+`: |\.$)/gs)].map((m) => ({
    name: m[1]!,
    meaning: m[2]!,
  }));
}
