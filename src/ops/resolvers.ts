/** Operations: sync runs (and, with the unified schema, sources and quarantine). */
import type { Resolvers } from '../generated/graphql.js';
import { pageSizeArg } from '../server/validate.js';
import { listSyncRuns } from './store.js';

export const opsResolvers: Resolvers = {
  Query: {
    syncRuns: (_p, { connector, first }, ctx) =>
      listSyncRuns(ctx.ds, connector ?? null, pageSizeArg('first', first, ctx.config.HUB_MAX_PAGE_SIZE)),
  },
  SyncRun: {
    id: (r) => String(r.id),
    connector: (r) => r.connector,
    startedAt: (r) => r.started_at,
    finishedAt: (r) => r.finished_at,
    status: (r) => r.status,
    recordsRead: (r) => r.records_read,
    recordsWritten: (r) => r.records_written,
    recordsUnchanged: (r) => r.records_unchanged,
    recordsQuarantined: (r) => r.records_quarantined,
    watermarkFrom: (r) => r.watermark_from,
    watermarkTo: (r) => r.watermark_to,
    error: (r) => r.error,
  },
};
