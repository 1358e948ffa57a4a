// No imports: the configuration's schema and the API both read this list.

/**
 * What a token may do. `read`: invoices, changes, figures, forecasts, commitments. A token
 * configured without scopes keeps the rights every token had before scopes existed (`read`,
 * triggering syncs and running checks), and the bridge warns about it at start.
 */
export const SCOPES = ['read', 'commitments:write', 'sources:admin'] as const;
export type Scope = (typeof SCOPES)[number];
