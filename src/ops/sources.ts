/** The `sources` view: each configured connector with its sync state, stored counts and a health probe. */
import type { Connector, HealthReport } from '../../connectors/types.js';
import type { HubContext } from '../kernel/context.js';

/** health probes answer within this, whatever the connector's own timeout */
export const HEALTH_TIMEOUT_MS = 2000;

export interface SourceView {
  connector: Connector;
  title: string | null;
}

export function listSources(ctx: HubContext): SourceView[] {
  return [...ctx.connectors.values()].map((connector) => ({ connector, title: ctx.sourceSettings?.get(connector.id)?.title ?? null }));
}

/** Probes a source; a failure or timeout is reported in the answer, never thrown. */
export async function probeHealth(
  connector: Connector,
  timeoutMs = HEALTH_TIMEOUT_MS,
): Promise<{ ok: boolean; latencyMs: number; detail: string | null; checkedAt: Date }> {
  const checkedAt = new Date();
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const report = await Promise.race([
      connector.health(),
      new Promise<HealthReport>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, latencyMs: Date.now() - t0, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
      }),
    ]);
    return { ok: report.ok, latencyMs: Math.round(report.latencyMs), detail: report.detail ?? null, checkedAt };
  } catch (err) {
    return { ok: false, latencyMs: Date.now() - t0, detail: err instanceof Error ? err.message : String(err), checkedAt };
  } finally {
    clearTimeout(timer);
  }
}
