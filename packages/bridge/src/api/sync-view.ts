import type { z } from '@hono/zod-openapi';
import type { AppDeps } from './deps.ts';
import type { quarantineViewSchema, syncedElsewhereSchema } from './source-schemas.ts';

export async function syncedElsewhereView(
  deps: AppDeps,
  sourceId: string,
): Promise<z.infer<typeof syncedElsewhereSchema> | undefined> {
  const lease = await deps.sync.heldElsewhere?.(sourceId);
  if (!lease) return undefined;
  return {
    pid: lease.pid,
    host: lease.host,
    purpose: lease.purpose,
    since: lease.acquiredAt,
    heartbeatAt: lease.heartbeatAt,
    note: `Another bridge process (pid ${lease.pid} on ${lease.host}, ${lease.purpose}) is syncing this source; this bridge skips its runs until it finishes.`,
  };
}

const SHOWN = 100;

export async function quarantineView(
  deps: AppDeps,
  sourceId: string,
  count: number,
): Promise<z.infer<typeof quarantineViewSchema>> {
  const rows = (await deps.store.quarantined(sourceId)).slice(0, SHOWN);
  return {
    count,
    rows: rows.map((r) => ({
      id: r.ref,
      field: r.field,
      value: r.value,
      message: r.message,
      lastSeenAt: r.lastSeenAt,
    })),
  };
}
