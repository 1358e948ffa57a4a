import { type CommitmentTerms, effectiveEnd, noticeDeadline, termEnds } from './schedule.ts';

/*
 * The dates a commitment asks a person to act on or know about: the last day to give notice
 * before a renewal (the term's end minus the notice period), the renewal itself, and the end.
 * Today's Forecaster stores notice periods and never acts on them.
 */

export type DeadlineKind = 'notice_deadline' | 'renewal' | 'commitment_end';

export interface Deadline {
  kind: DeadlineKind;
  date: string;
  /** The end of the term the deadline belongs to (for a notice deadline or a renewal). */
  termEnd: string | null;
}

/** Every deadline of a commitment from `from` to `to` (inclusive), in date order. */
export function deadlines(terms: CommitmentTerms, from: string, to: string): Deadline[] {
  if (terms.status === 'draft' || terms.status === 'ended') return [];
  const out: Deadline[] = [];
  const add = (kind: DeadlineKind, date: string, termEnd: string | null) => {
    if (date >= from && date <= to) out.push({ kind, date, termEnd });
  };
  const end = effectiveEnd(terms, from);
  if (end) add('commitment_end', end, end);
  if (terms.autoRenewMonths && terms.status !== 'notice_given') {
    // Terms ending after `to` can still have a notice deadline inside the window; stop at the
    // first term whose deadline is past it.
    for (let n = 1; n <= 1200; n++) {
      const termEnd = termEnds(terms, from, n)[n - 1];
      if (!termEnd) break;
      const deadline = noticeDeadline(termEnd, terms.notice);
      if (deadline > to) break;
      add('notice_deadline', deadline, termEnd);
      add('renewal', termEnd, termEnd);
    }
  }
  return out.sort((a, b) => (a.date === b.date ? a.kind.localeCompare(b.kind) : a.date < b.date ? -1 : 1));
}
