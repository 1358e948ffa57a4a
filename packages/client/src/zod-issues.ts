/** A zod issue, as far as choosing one to report needs. */
export interface ZodIssueLike {
  path: PropertyKey[];
  message: string;
  code?: string;
  errors?: ZodIssueLike[][];
}

/**
 * The issue to show a person: inside a union, the branch that got furthest names the field
 * ("invoices.invoice.0.id: expected …") instead of the union's bare "Invalid input".
 *
 * @example mostSpecificIssue(result.error.issues).path.join('.')
 */
export function mostSpecificIssue(
  issues: readonly ZodIssueLike[],
  prefix: PropertyKey[] = [],
): { path: PropertyKey[]; message: string } {
  let best = { path: prefix, message: 'invalid' };
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    const candidate =
      issue.code === 'invalid_union' && issue.errors?.length
        ? issue.errors
            .map((branch) => mostSpecificIssue(branch, path))
            .reduce((a, b) => (b.path.length > a.path.length ? b : a))
        : { path, message: issue.message };
    if (candidate.path.length > best.path.length || best.message === 'invalid') best = candidate;
  }
  return best;
}
