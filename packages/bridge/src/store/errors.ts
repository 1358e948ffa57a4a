/** Stable codes for what a caller of the store may branch on. */
export type StoreErrorCode =
  | 'schema_too_new'
  | 'unknown_source'
  | 'invalid_invoice'
  | 'lease_lost'
  | 'store_full'
  | 'store_corrupt'
  | 'store_read_only';

/**
 * An error the store raises on purpose (as opposed to a driver error).
 *
 * @example if (err instanceof StoreError && err.code === 'schema_too_new') process.exit(2)
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
