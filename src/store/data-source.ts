/**
 * The hub's store: a TypeORM DataSource over PostgreSQL whose schema comes only from migrations.
 */
import 'reflect-metadata';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { CanonicalModel1732300000000 } from '../../migrations/1732300000000-CanonicalModel.js';
import { JointPunishment1732400000000 } from '../../migrations/1732400000000-JointPunishment.js';
import { AccessAudit1732500000000 } from '../../migrations/1732500000000-AccessAudit.js';
import { Compliance1732600000000 } from '../../migrations/1732600000000-Compliance.js';
import { JointPunishmentBanScope1732650000000 } from '../../migrations/1732650000000-JointPunishmentBanScope.js';
import { CheckFreshnessIndex1732660000000 } from '../../migrations/1732660000000-CheckFreshnessIndex.js';
import { RiskAnalytics1732700000000 } from '../../migrations/1732700000000-RiskAnalytics.js';
import { EnterpriseNameCoreTrgm1732710000000 } from '../../migrations/1732710000000-EnterpriseNameCoreTrgm.js';
import { AnalyticsCoveringIndexes1732720000000 } from '../../migrations/1732720000000-AnalyticsCoveringIndexes.js';
import { ProvenanceStatistics1732730000000 } from '../../migrations/1732730000000-ProvenanceStatistics.js';
import { DeferredStoreDdl1732740000000 } from '../../migrations/1732740000000-DeferredStoreDdl.js';
import { ConsoleSessions1732800000000 } from '../../migrations/1732800000000-ConsoleSessions.js';
import { CheckCaseAndOffice1732810000000 } from '../../migrations/1732810000000-CheckCaseAndOffice.js';
import { AuditPurposeCode1732851000000 } from '../../migrations/1732851000000-AuditPurposeCode.js';
import { SealRawPii1732852000000 } from '../../migrations/1732852000000-SealRawPii.js';
import { AuditLogLockdown1732853000000 } from '../../migrations/1732853000000-AuditLogLockdown.js';
import { AccidentLevelThresholds1732855000000 } from '../../migrations/1732855000000-AccidentLevelThresholds.js';
import { CheckPolicy1732861000000 } from '../../migrations/1732861000000-CheckPolicy.js';
import { DerivedFacts1732870000000 } from '../../migrations/1732870000000-DerivedFacts.js';
import { DEPARTMENT_MIGRATIONS } from '../generated/department-migrations.js';
import { installTimestampParser } from './timestamp.js';

export const MIGRATIONS = [
  CanonicalModel1732300000000,
  JointPunishment1732400000000,
  AccessAudit1732500000000,
  Compliance1732600000000,
  JointPunishmentBanScope1732650000000,
  CheckFreshnessIndex1732660000000,
  RiskAnalytics1732700000000,
  EnterpriseNameCoreTrgm1732710000000,
  AnalyticsCoveringIndexes1732720000000,
  ProvenanceStatistics1732730000000,
  DeferredStoreDdl1732740000000,
  ConsoleSessions1732800000000,
  CheckCaseAndOffice1732810000000,
  AuditPurposeCode1732851000000,
  SealRawPii1732852000000,
  AuditLogLockdown1732853000000,
  AccidentLevelThresholds1732855000000,
  CheckPolicy1732861000000,
  DerivedFacts1732870000000,
  // the department packages' own (e.g. policy rows for a list kind one contributes)
  ...DEPARTMENT_MIGRATIONS,
];

// DATE columns come back as 'YYYY-MM-DD' strings: calendar dates have no time zone here
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => (v === null ? null : Number(v)));
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => (v === null ? null : Number(v)));
installTimestampParser();

/** The pg pool under TypeORM's data source: COPY, savepoints and named prepared statements need plain pg. */
export function poolOf(ds: DataSource): pg.Pool {
  const pool = (ds.driver as unknown as { master?: pg.Pool }).master;
  if (!pool) throw new Error('the hub data source is not initialised');
  return pool;
}

/**
 * A client of the pool for plain pg work (COPY, session locks, prepared statements), released by the caller
 * with `release()` or `release(err)`. pg emits 'error' on a checked-out client whose session the server ends
 * between its queries (a restart, an administrator): with no listener that is an uncaught exception and the
 * hub process dies. Here the error is held by the client instead, whose next query then fails, and the
 * caller's release(err) discards it (TypeORM's own query runners listen the same way).
 */
export async function checkoutClient(ds: DataSource): Promise<pg.PoolClient> {
  const client = await poolOf(ds).connect();
  const onError = (): void => undefined;
  client.on('error', onError);
  const release = client.release.bind(client);
  client.release = (err?: Error | boolean) => {
    client.removeListener('error', onError);
    release(err);
  };
  return client;
}

export function createHubDataSource(
  url: string,
  opts: { poolSize?: number; statementTimeoutMs?: number; applicationName?: string } = {},
): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    logging: false,
    extra: {
      max: opts.poolSize ?? 20,
      connectionTimeoutMillis: 10_000,
      statement_timeout: opts.statementTimeoutMs ?? 30_000,
      application_name: opts.applicationName ?? 'safety-hub',
    },
  });
}

/** Opens the data source and applies pending migrations. */
export async function openStore(url: string, opts: { poolSize?: number; statementTimeoutMs?: number } = {}): Promise<DataSource> {
  const ds = createHubDataSource(url, opts);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}

/** Creates a database if it does not exist (the embedded server and test servers start empty). */
export async function ensureDatabase(serverUrl: string, database: string): Promise<string> {
  const admin = new URL(serverUrl);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 10_000 });
  await c.connect();
  try {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (r.rowCount === 0) await c.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await c.end();
  }
  const out = new URL(serverUrl);
  out.pathname = `/${database}`;
  return out.toString();
}
