import {
  type StatusFilter,
  type WalkExpectation,
  type WalkPage,
  type WhmcsClient,
  walkById,
} from '@forecaster/whmcs-client';
import type { SourceConfig } from '../config.ts';
import type { SyncCheckpoint, WalkState } from '../store/types.ts';
import { type BothEndsState, type WalkKind, walkBothEnds } from './both-ends-walk.ts';
import { LatencySizer, MAX_PAGE_SIZE, type OrderedFetch, sizedFetch } from './page-sizer.ts';

/** How long one page may take by default before pages stop growing, in milliseconds. */
export const DEFAULT_PAGE_BUDGET_MS = 2_000;

/** A page of a full walk, with what to save in the checkpoint to resume after it. */
export type FullWalkPage = WalkPage & { state?: BothEndsState; walk?: WalkKind };

/** GetInvoices by id, in either order: every invoice, or one status's or one client's. */
export function orderedFetch(
  client: WhmcsClient,
  filter: { status?: StatusFilter; userId?: number } = {},
): OrderedFetch {
  return async (start, limit, order, signal) => {
    const page = await client.getInvoices({
      limitStart: start,
      limitNum: limit,
      orderBy: 'id',
      order,
      ...filter,
      ...(signal ? { signal } : {}),
    });
    return { rows: page.invoices, totalResults: page.totalResults };
  };
}

/**
 * The page sizer of a source's walks: from its pageSize up to its maxPageSize within the budget,
 * starting where the last run's pages had grown to (`walkState.pageSize`): a run that starts
 * at pageSize again spends its first calls on small pages (250, 500) that one page of 1000 reads.
 */
export function sizerFor(source: SourceConfig, walkState?: WalkState): LatencySizer {
  return new LatencySizer({
    start: source.pageSize,
    max: source.sync.maxPageSize ?? MAX_PAGE_SIZE,
    budgetMs: source.sync.pageBudgetMs ?? DEFAULT_PAGE_BUDGET_MS,
    ...(walkState?.pageSize === undefined ? {} : { resume: walkState.pageSize }),
  });
}

/**
 * The pages of a full sync's walk, by the source's `sync.fullWalk`: from both ends (default),
 * or up from the oldest id; pages grown by the latency sizer either way. Resumes from a
 * checkpoint of either kind (a one-ended anchor resumes the walk up).
 */
export function fullWalk(
  client: WhmcsClient,
  source: SourceConfig,
  options: {
    resume: SyncCheckpoint | undefined;
    expect: WalkExpectation;
    /** The last complete walk's orphans, if known (a walk down alone may miss no more). */
    orphans: number | undefined;
    signal: AbortSignal;
    sizer: LatencySizer;
  },
): AsyncIterable<FullWalkPage> {
  const { sizer } = options;
  const fetch = sizedFetch(orderedFetch(client), sizer);
  const { resume, expect, signal } = options;
  const saved = resume?.state?.bothEnds as BothEndsState | undefined;
  if ((source.sync.fullWalk ?? 'both-ends') === 'both-ends') {
    const anchor = resume?.anchor;
    const from: BothEndsState | undefined =
      saved ?? (anchor ? { low: anchor, distinct: anchor.seen ?? anchor.position + 1 } : undefined);
    return walkBothEnds(fetch, {
      pageSize: source.pageSize,
      sizer,
      concurrency: source.concurrency,
      expect,
      signal,
      ...(options.orphans === undefined ? {} : { orphans: options.orphans }),
      ...(from ? { resume: from } : {}),
    });
  }
  return walkById((start, limit, s) => fetch(start, limit, 'asc', s), {
    pageSize: source.pageSize,
    sizer,
    concurrency: source.concurrency,
    order: 'asc',
    expect,
    signal,
    ...(resume?.anchor ? { resumeFrom: resume.anchor } : {}),
    newestId: async (s) => {
      const page = await fetch(0, 1, 'desc', s);
      return page.rows[0] === undefined ? undefined : Number(page.rows[0].id);
    },
  });
}
