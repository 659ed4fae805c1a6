/**
 * What an operator watches: Prometheus metrics at /metrics (requests and latency by route and GraphQL
 * operation, each department source's call latency and breaker state, sync figures, the database pool,
 * the Node process) and OpenTelemetry spans (no-ops until an SDK is registered by the deployment, e.g.
 * with `node --import @opentelemetry/auto-instrumentations-node/register`).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { ResilientConnector } from '../../connectors/resilience.js';
import type { Connector } from '../../connectors/types.js';
import type { HubContext } from '../kernel/context.js';

const tracer = trace.getTracer('safety-hub/graphql');
const BREAKER_VALUE = { CLOSED: 0, OPEN: 1, HALF_OPEN: 2, ISOLATED: 3 } as const;
/** latency buckets in seconds: the checks aim at tens of milliseconds, exports and analytics take seconds */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** A bounded label for a path, so that ids in URLs never explode the series count. */
export function routeOf(path: string): string {
  if (path === '/graphql' || path === '/healthz' || path === '/readyz' || path === '/metrics') return path;
  if (path.startsWith('/api/v1/joint-punishment-checks')) return '/api/v1/joint-punishment-checks';
  if (path.startsWith('/api/v1/')) return '/api/v1/*';
  if (path.startsWith('/checks/')) return '/checks/:id';
  if (path.startsWith('/export/')) return path.replace(/\?.*$/, '');
  if (path.startsWith('/ide/') || path.startsWith('/graphiql')) return '/ide';
  return 'other';
}

/**
 * Distinct operation names kept as metric labels per process. Clients choose operation names, and every
 * name is a new series of each operation metric in Prometheus: past this many, further names count as "other".
 */
export const MAX_OPERATION_LABELS = 100;

/** Operation name → label: anonymous operations, then names (≤ 64 characters) in the order first seen, up to `max`; the rest "other". */
export function operationLabeller(max = MAX_OPERATION_LABELS): (name: string | null | undefined) => string {
  const kept = new Set<string>();
  return (name) => {
    if (!name) return 'anonymous';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) || name === 'anonymous' || name === 'other') return 'other';
    if (kept.has(name)) return name;
    if (kept.size >= max) return 'other';
    kept.add(name);
    return name;
  };
}

export interface Observability {
  registry: Registry;
  httpMetrics(req: Request, res: Response, next: NextFunction): void;
  apolloPlugin: ApolloServerPlugin<HubContext>;
  /** GET /metrics (mount behind authentication) */
  metricsHandler(req: Request, res: Response): Promise<void>;
  close(): void;
}

export function createObservability(services: { ds: DataSource; connectors: ReadonlyMap<string, Connector> }): Observability {
  const registry = new Registry();
  const operationLabel = operationLabeller();
  collectDefaultMetrics({ register: registry, prefix: 'hub_' });

  const httpDuration = new Histogram({
    name: 'hub_http_request_duration_seconds',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: BUCKETS,
    registers: [registry],
  });
  const gqlDuration = new Histogram({
    name: 'hub_graphql_operation_duration_seconds',
    help: 'GraphQL operations by name, type and outcome',
    labelNames: ['operation', 'type', 'outcome'],
    buckets: BUCKETS,
    registers: [registry],
  });
  const gqlErrors = new Counter({
    name: 'hub_graphql_errors_total',
    help: 'GraphQL errors by code',
    labelNames: ['operation', 'code'],
    registers: [registry],
  });
  const sourceCalls = new Histogram({
    name: 'hub_source_call_duration_seconds',
    help: 'Outbound calls to department sources (all attempts of one call)',
    labelNames: ['source', 'call', 'outcome'],
    buckets: BUCKETS,
    registers: [registry],
  });
  const detach: (() => void)[] = [];
  for (const c of services.connectors.values()) {
    if (c instanceof ResilientConnector)
      detach.push(c.observeCalls((call, seconds, outcome) => sourceCalls.observe({ source: c.id, call, outcome }, seconds)));
  }
  new Gauge({
    name: 'hub_source_breaker_state',
    help: 'Circuit breaker per source: 0 closed, 1 open, 2 half-open, 3 isolated',
    labelNames: ['source'],
    registers: [registry],
    collect() {
      for (const c of services.connectors.values())
        if (c instanceof ResilientConnector) this.set({ source: c.id }, BREAKER_VALUE[c.state().breaker]);
    },
  });
  new Gauge({
    name: 'hub_source_calls_in_flight',
    help: 'Calls running in each source bulkhead',
    labelNames: ['source'],
    registers: [registry],
    collect() {
      for (const c of services.connectors.values()) if (c instanceof ResilientConnector) this.set({ source: c.id }, c.state().active);
    },
  });

  // sync figures come from the store, so every replica reports the same truth whoever ran the sync
  // the first of these gauges reads the store and fills the others, which are serialised after it
  const syncLastSuccess = new Gauge({
    name: 'hub_sync_last_success_timestamp_seconds',
    help: 'When each connector last synced successfully',
    labelNames: ['connector'],
    registers: [],
  });
  const syncRuns = new Gauge({
    name: 'hub_sync_runs',
    help: 'Sync runs recorded, by connector and status',
    labelNames: ['connector', 'status'],
    registers: [],
  });
  const quarantine = new Gauge({
    name: 'hub_quarantine_open',
    help: 'Open quarantined records per source',
    labelNames: ['source'],
    registers: [],
  });
  const scrapeOk = new Gauge({
    name: 'hub_sync_scrape_ok',
    help: '1 when the sync figures could be read from the store at this scrape',
    registers: [],
  });
  const syncRecords: Gauge<string> = new Gauge({
    name: 'hub_sync_last_run_records',
    help: 'Records of the latest finished sync run per connector',
    labelNames: ['connector', 'outcome'],
    registers: [registry],
    async collect() {
      try {
        const [last, success, runs, quarantined] = await Promise.all([
          services.ds.query(`SELECT DISTINCT ON (connector) connector, records_read, records_written, records_unchanged, records_quarantined
                             FROM sync_run WHERE finished_at IS NOT NULL ORDER BY connector, started_at DESC`) as Promise<
            Record<string, string | number>[]
          >,
          services.ds.query(
            `SELECT connector, extract(epoch FROM max(finished_at)) AS t FROM sync_run WHERE status = 'SUCCEEDED' GROUP BY connector`,
          ) as Promise<{ connector: string; t: string }[]>,
          services.ds.query(`SELECT connector, status, count(*)::int AS n FROM sync_run GROUP BY connector, status`) as Promise<
            { connector: string; status: string; n: number }[]
          >,
          services.ds.query(
            `SELECT source, count(*)::int AS n FROM quarantined_record WHERE resolved_at IS NULL GROUP BY source`,
          ) as Promise<{ source: string; n: number }[]>,
        ]);
        for (const r of last) {
          for (const o of ['read', 'written', 'unchanged', 'quarantined'])
            syncRecords.set({ connector: String(r.connector), outcome: o }, Number(r[`records_${o}`]));
        }
        for (const r of success) syncLastSuccess.set({ connector: r.connector }, Number(r.t));
        for (const r of runs) syncRuns.set({ connector: r.connector, status: r.status }, r.n);
        for (const r of quarantined) quarantine.set({ source: r.source }, r.n);
        scrapeOk.set(1);
      } catch {
        scrapeOk.set(0);
      }
    },
  });
  for (const m of [syncLastSuccess, syncRuns, quarantine, scrapeOk]) registry.registerMetric(m);
  new Gauge({
    name: 'hub_db_pool_connections',
    help: 'Hub database pool: total, idle and waiting clients',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const pool = (services.ds.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
      if (!pool) return;
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });

  const apolloPlugin: ApolloServerPlugin<HubContext> = {
    async requestDidStart() {
      const t0 = performance.now();
      const span = tracer.startSpan('graphql.request');
      let operation = 'anonymous';
      let type = 'unknown';
      return {
        async didResolveOperation(rc) {
          operation = operationLabel(rc.operationName);
          type = rc.operation?.operation ?? 'unknown';
          span.updateName(`graphql ${type} ${operation}`);
          span.setAttributes({
            'graphql.operation.name': operation,
            'graphql.operation.type': type,
            'hub.request_id': rc.contextValue.requestId,
          });
        },
        async didEncounterErrors(rc) {
          for (const e of rc.errors) gqlErrors.inc({ operation, code: String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
          span.setStatus({ code: SpanStatusCode.ERROR });
        },
        async willSendResponse(rc) {
          const outcome = rc.errors?.length ? 'error' : 'ok';
          gqlDuration.observe({ operation, type, outcome }, (performance.now() - t0) / 1000);
          span.end();
        },
      };
    },
  };

  return {
    registry,
    apolloPlugin,
    httpMetrics(req, res, next) {
      const t0 = performance.now();
      // originalUrl: routers mounted on a prefix rewrite req.path
      res.on('finish', () =>
        httpDuration.observe(
          { route: routeOf(req.originalUrl.split('?')[0]!), method: req.method, status: String(res.statusCode) },
          (performance.now() - t0) / 1000,
        ),
      );
      next();
    },
    async metricsHandler(_req, res) {
      res.type(registry.contentType).send(await registry.metrics());
    },
    close() {
      for (const d of detach) d();
    },
  };
}
