/**
 * Live reads of a department source for one request. All keys asked for in one tick go to the
 * source in ONE `fetchByKeys` call per batch of up to 100 codes. A per-request, per-source deadline
 * bounds the wait (a hung source costs at most its timeout, once), and once a source has failed in a
 * request, later batches to it fail at once instead of waiting again.
 */
import DataLoader from 'dataloader';
import { SourceError } from '../../connectors/types.js';
import { attachLive, type LiveData } from '../records/live-mapping.js';
import type { HubContext } from '../kernel/context.js';

export const DEFAULT_LIVE_TIMEOUT_MS = 5000;
/** keys per source call: the Connector contract's batch size */
export const LIVE_BATCH_SIZE = 100;

export type LiveOutcome = { ok: true; data: LiveData; fetchedAt: Date } | { ok: false; error: SourceError };

export function liveLoaderFor(ctx: HubContext, sourceId: string): DataLoader<string, LiveOutcome> {
  const timeoutMs = ctx.sourceSettings?.get(sourceId)?.timeoutMs ?? DEFAULT_LIVE_TIMEOUT_MS;
  let deadline: number | null = null;
  let failure: SourceError | null = null;

  const fail = (codes: readonly string[], e: SourceError): LiveOutcome[] => codes.map(() => ({ ok: false, error: e }));

  return new DataLoader<string, LiveOutcome>(
    async (codes) => {
      const connector = ctx.connectors.get(sourceId);
      if (!connector) return fail(codes, new SourceError(sourceId, 'UNAVAILABLE', 'no connector configured'));
      if (failure) return fail(codes, failure);
      const now = Date.now();
      deadline ??= now + timeoutMs;
      const remaining = deadline - now;
      if (remaining <= 0) return fail(codes, (failure = new SourceError(sourceId, 'TIMEOUT', `no answer within ${timeoutMs} ms`)));

      const abort = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          abort.abort();
          reject(new SourceError(sourceId, 'TIMEOUT', `no answer within ${timeoutMs} ms`));
        }, remaining);
      });
      const t0 = Date.now();
      try {
        const [envelopes, stored] = await Promise.race([
          Promise.all([connector.fetchByKeys(codes, { signal: abort.signal }), ctx.loaders.enterprise.loadMany(codes)]),
          timeout,
        ]);
        const fetchedAt = new Date();
        const keys = codes.map((c, i) => {
          const row = stored[i];
          return { creditCode: c, name: row && !(row instanceof Error) ? row.name : null };
        });
        const { data, unparsed } = attachLive(envelopes, keys, {
          source: sourceId,
          department: connector.department,
          fetchedAt,
          vault: ctx.vault,
        });
        ctx.log.debug({ source: sourceId, keys: codes.length, envelopes: envelopes.length, unparsed, ms: Date.now() - t0 }, 'live read');
        return data.map((d) => ({ ok: true, data: d, fetchedAt }));
      } catch (err) {
        failure =
          err instanceof SourceError
            ? err
            : new SourceError(sourceId, 'BAD_RESPONSE', err instanceof Error ? err.message : String(err), err);
        ctx.log.warn({ source: sourceId, reason: failure.reason, err: failure.message, ms: Date.now() - t0 }, 'live read failed');
        return fail(codes, failure);
      } finally {
        clearTimeout(timer);
      }
    },
    { maxBatchSize: LIVE_BATCH_SIZE },
  );
}
