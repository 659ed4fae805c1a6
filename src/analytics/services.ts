/** The analytics module's long-lived objects: built once at start (server/services.ts), shared by every request. */
import { bulkhead, type BulkheadPolicy } from 'cockatiel';
import type { DataSource } from 'typeorm';
import type { HubInputs, ModuleServices } from '../kernel/context.js';
import { loadDivisions, type Divisions } from './divisions.js';

/**
 * The hub's slots for analytic statements: at 1,000,000 enterprises a heavy aggregate takes seconds, and
 * 32 of them at once held every pooled connection, so joint-punishment checks and profiles waited for the
 * pool and failed. Analytic work gets `max` connections; up to `queue` more wait; beyond that a clear BUSY
 * answer instead of a pool timeout reported as an internal error.
 */
export class AnalyticsSlots {
  readonly bulkhead: BulkheadPolicy;

  constructor(
    readonly max: number,
    readonly queue: number,
  ) {
    this.bulkhead = bulkhead(max, queue);
  }
}

export class AnalyticsState {
  readonly slots: AnalyticsSlots;
  private divisionTable: Promise<Divisions> | null = null;

  constructor(
    private readonly ds: DataSource,
    max: number,
    queue: number,
  ) {
    this.slots = new AnalyticsSlots(max, queue);
  }

  /** The GB/T 2260 division table, read once (again after a failed read). */
  divisions(): Promise<Divisions> {
    if (!this.divisionTable) {
      const p = loadDivisions(this.ds);
      this.divisionTable = p;
      p.catch(() => {
        if (this.divisionTable === p) this.divisionTable = null;
      });
    }
    return this.divisionTable;
  }
}

declare module '../kernel/context.js' {
  interface ModuleServices {
    analytics: AnalyticsState;
  }
}

export function analyticsServices(inputs: Pick<HubInputs, 'ds' | 'config'>): Pick<ModuleServices, 'analytics'> {
  return { analytics: new AnalyticsState(inputs.ds, inputs.config.HUB_ANALYTICS_MAX_CONCURRENT, inputs.config.HUB_ANALYTICS_QUEUE) };
}
