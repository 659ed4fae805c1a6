/** Operations: sources (connectors) with sync state, counts and health; sync runs; quarantine. */
import { resilienceOf } from '../../connectors/resilience.js';
import type { CanonicalRecord } from '../domain/canonical.js';
import type { Resolvers } from '../generated/graphql.js';
import { connection, decodeCursor, encodeCursor } from '../kernel/paging.js';
import { badInput } from '../kernel/errors.js';
import type { Loaders } from '../kernel/context.js';
import { pageSizeArg } from '../kernel/validate.js';
import { CANONICAL_PII, maskPiiText, maskRaw } from '../security/raw-pii.js';
import { HEALTH_TIMEOUT_MS, listSources, probeHealth } from './sources.js';
import { refSlots } from '../sync/rows.js';
import { listSyncRuns, quarantinePage, type QuarantineRow } from './store.js';

const QUARANTINE_CURSOR = 'quarantine';

export const opsResolvers: Resolvers = {
  Query: {
    sources: (_p, _a, ctx) => listSources(ctx),
    syncRuns: (_p, { connector, first }, ctx) =>
      listSyncRuns(ctx.ds, connector ?? null, pageSizeArg('first', first, ctx.config.HUB_MAX_PAGE_SIZE)),
    quarantinedRecords: async (_p, { source, includeResolved, first, after }, ctx) => {
      const n = pageSizeArg('first', first, ctx.config.HUB_MAX_PAGE_SIZE);
      if (source && !ctx.connectors.has(source))
        throw badInput('source', `unknown source; configured: ${[...ctx.connectors.keys()].join(', ')}`);
      let beforeId: number | null = null;
      if (after) {
        const key = decodeCursor(QUARANTINE_CURSOR, after);
        if (!/^\d{1,15}$/.test(key)) throw badInput('after', 'unknown cursor: pass the endCursor of a previous page of this list');
        beforeId = Number(key);
      }
      const { rows, total } = await quarantinePage(ctx.ds, {
        source: source ?? null,
        includeResolved: includeResolved === true,
        beforeId,
        limit: n + 1,
      });
      return connection(rows.slice(0, n), (node) => encodeCursor(QUARANTINE_CURSOR, String(node.id)), {
        totalCount: total,
        hasNextPage: rows.length > n,
        after,
      });
    },
  },
  Source: {
    id: (s) => s.connector.id,
    department: (s) => s.connector.department,
    title: (s) => s.title,
    provides: (s) => [...s.connector.provides],
    lastSync: (s, _a, ctx) => ctx.loaders.lastSync.load(s.connector.id),
    lastSuccessfulSync: (s, _a, ctx) => ctx.loaders.lastSuccessfulSync.load(s.connector.id),
    recordCounts: (s, _a, ctx) => ctx.loaders.recordCounts.load(s.connector.id),
    totalRecords: async (s, _a, ctx) => (await ctx.loaders.recordCounts.load(s.connector.id)).reduce((n, c) => n + c.count, 0),
    quarantineCount: (s, _a, ctx) => ctx.loaders.quarantineCount.load(s.connector.id),
    health: (s, _a, ctx) =>
      probeHealth(s.connector, Math.min(HEALTH_TIMEOUT_MS, ctx.sourceSettings?.get(s.connector.id)?.timeoutMs ?? HEALTH_TIMEOUT_MS)),
    resilience: (s) => resilienceOf(s.connector),
  },
  QuarantinedRecord: {
    id: (q) => String(q.id),
    sourceRecordId: (q) => q.source_record_id,
    reasonCode: (q) => q.reason_code,
    // a parser's message may quote a value (rows stored before the sync masked phones in reasons too)
    reason: (q) => maskPiiText(q.reason),
    // masked by the source's field knowledge and the free-text net, for admin and operators alike (no purpose here)
    raw: (q, _a, ctx) => maskRaw(q.raw, ctx.connectors.get(q.source)?.piiFields),
    record: (q) => (q.record == null ? null : maskRaw(q.record, CANONICAL_PII)),
    candidates: (q, _a, ctx) => quarantineCandidates(q, ctx.loaders.refCandidates),
    firstSeenAt: (q) => q.first_seen_at,
    lastSeenAt: (q) => q.last_seen_at,
    resolvedAt: (q) => q.resolved_at,
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

/**
 * What the sync recorded for an ambiguous reference (its matches), and for each required reference
 * nothing matches now, the most similar names, computed now through the per-request loader (one
 * search for the whole page). Older UNLINKED entries stored similar names found at sync time; the
 * ones computed now replace them.
 */
async function quarantineCandidates(q: QuarantineRow, loader: Loaders['refCandidates']): Promise<unknown[]> {
  const stored = Array.isArray(q.candidates) ? (q.candidates as { field?: string }[]) : [];
  if (q.reason_code !== 'UNLINKED' && q.reason_code !== 'AMBIGUOUS_LINK') return stored;
  const kept = q.reason_code === 'AMBIGUOUS_LINK' ? stored : [];
  const covered = new Set(kept.map((c) => c.field));
  const slots = q.record ? refSlots(q.record as CanonicalRecord).filter((s) => s.required && !covered.has(s.field)) : [];
  const found = await Promise.all(slots.map((s) => loader.load(s.ref)));
  return [...kept, ...slots.flatMap((s, i) => found[i]!.map((c) => ({ ...c, field: s.field })))];
}
