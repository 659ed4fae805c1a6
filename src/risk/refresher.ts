/**
 * Keeps stored risk scores current when nothing syncs: time-based factors (overdue deadlines, the 2- and
 * 3-year windows, expiring credentials) move with the date. At start and then hourly, a process that
 * holds the advisory lock rescores everything if any stored score is from an earlier day or an older
 * model version (so a newly activated weights version takes effect too); replicas skip while one works.
 */
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { todayIso } from '../kernel/dates.js';
import { recomputeAllRisk } from './service.js';

const LOCK_NAMESPACE = 0x5249534b; // 'RISK'
const CHECK_EVERY_MS = 60 * 60_000;
/** the first check waits for the start-up sync, whose batches rescore what they touch anyway */
const FIRST_CHECK_MS = 5 * 60_000;

/** True when some enterprise has no score, a score from before `today`, or one of an inactive model version. */
export async function riskIsStale(ds: DataSource, today = todayIso()): Promise<boolean> {
  const [row] = await ds.query(
    `SELECT EXISTS (
       SELECT 1 FROM enterprise e LEFT JOIN enterprise_risk r ON r.credit_code = e.credit_code
       WHERE r.credit_code IS NULL OR r.as_of < $1::date OR r.version <> (SELECT version FROM risk_model_version WHERE active)
     ) AS stale`,
    [today],
  );
  return Boolean(row?.stale);
}

/** One refresh under the advisory lock; returns the enterprises rescored (0 when fresh or another replica works). */
export async function refreshRiskIfStale(ds: DataSource, log: Pick<Logger, 'info' | 'warn'>): Promise<number> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    const [lock] = await runner.query(`SELECT pg_try_advisory_lock($1, 0) AS ok`, [LOCK_NAMESPACE]);
    if (!lock?.ok) return 0;
    try {
      if (!(await riskIsStale(ds))) return 0;
      const t0 = Date.now();
      const n = await recomputeAllRisk(ds);
      log.info({ enterprises: n, ms: Date.now() - t0 }, 'risk scores refreshed for today');
      return n;
    } finally {
      await runner.query(`SELECT pg_advisory_unlock($1, 0)`, [LOCK_NAMESPACE]);
    }
  } finally {
    await runner.release();
  }
}

export function startRiskRefresher(
  ds: DataSource,
  log: Pick<Logger, 'info' | 'warn'>,
  everyMs = CHECK_EVERY_MS,
  firstMs = FIRST_CHECK_MS,
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let interval: NodeJS.Timeout | undefined;
  const tick = () => {
    running = refreshRiskIfStale(ds, log).catch((err: unknown) => log.warn({ err }, 'risk refresh failed (retried next hour)'));
  };
  const first = setTimeout(() => {
    tick();
    interval = setInterval(tick, everyMs);
    interval.unref();
  }, firstMs);
  first.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(interval);
      await running;
    },
  };
}
