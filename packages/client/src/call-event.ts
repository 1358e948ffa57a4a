import type { WhmcsError } from './errors.ts';

/** What the transport reports after every attempt, for metrics and logs (never a secret). */
export interface CallEvent {
  action: string;
  attempt: number;
  durationMs: number;
  status?: number;
  error?: WhmcsError;
  /** Set when the attempt failed and another one follows after this many milliseconds. */
  retryInMs?: number;
}
