/**
 * The one small interface every department source implements, and the shape of a department
 * folder (connector + simulator + seeder). Nothing outside a department's folder knows its wire format.
 */
import type { CanonicalRecord, Department, RecordKind } from '../src/domain/canonical.js';
import type { EnterpriseProfile, WorldParams } from '../src/generator/profile.js';
import type { WorldItem } from '../src/generator/world.js';

/** One record as fetched: provenance plus the canonical record, or the reason it could not be parsed. */
export interface SourceEnvelope {
  /** stable id of the record in the source system, unique per (connector, kind) */
  sourceRecordId: string;
  /** canonical kind this record maps to (known even when parsing failed, from the endpoint/table/file) */
  kind: RecordKind;
  /** the record exactly as the source sent it (after decoding), kept as provenance */
  raw: unknown;
  /** the parsed record; absent when `error` says why it could not be parsed */
  record?: CanonicalRecord;
  error?: string;
  /** the source's own modification time, when it has one */
  updatedAt?: string;
}

export interface ChangeBatch {
  records: SourceEnvelope[];
  /** opaque watermark to store once this batch is committed; the next run resumes from it */
  watermark: string;
}

export interface HealthReport {
  ok: boolean;
  latencyMs: number;
  detail?: string;
}

/**
 * Which fields of this source's raw records hold personal identifiers (field names as they appear in the
 * raw record at any depth, compared without case). The hub seals ID numbers and phones at rest and masks
 * them on the way out (src/security/raw-pii.ts); names are listed for completeness of that knowledge.
 */
export interface PiiFields {
  idNumber: readonly string[];
  phone: readonly string[];
  personName: readonly string[];
}

export interface Connector {
  readonly id: string;
  readonly department: Department;
  /** canonical kinds this source provides */
  readonly provides: readonly RecordKind[];
  /**
   * An enterprise registry whose changesSince yields every changed enterprise before any record of
   * another kind: the other sources' syncs may start, and link, as soon as those pages are stored.
   */
  readonly enterprisesFirst?: boolean;
  /** the raw fields holding ID numbers, phones and names (from the department folder's pii.ts) */
  readonly piiFields?: PiiFields;
  /**
   * Live read: every record this source holds about these enterprises (credit codes), in as few
   * calls to the source as its interface allows (one per batch of keys). Throws SourceError.
   */
  fetchByKeys(creditCodes: readonly string[], opts?: { signal?: AbortSignal }): Promise<SourceEnvelope[]>;
  /** Changes since a watermark (null = everything), in batches, oldest first. */
  changesSince(watermark: string | null, opts?: { signal?: AbortSignal; batchSize?: number }): AsyncIterable<ChangeBatch>;
  health(): Promise<HealthReport>;
  close(): Promise<void>;
}

/** A failure of a department system, as the hub reports it (extensions name source and reason). */
export class SourceError extends Error {
  constructor(
    readonly source: string,
    readonly reason: 'TIMEOUT' | 'UNAVAILABLE' | 'BAD_RESPONSE' | 'REFUSED',
    message: string,
    override readonly cause?: unknown,
  ) {
    super(`${source}: ${message}`);
    this.name = 'SourceError';
  }
}

/** Options every connector accepts; the rest of its options are its own (URL, credentials, folder…). */
export interface ConnectorOptions {
  /** per-call timeout; no outbound call goes without one */
  timeoutMs: number;
  [key: string]: unknown;
}

export interface ConnectorDeps {
  log: { info(o: object, msg?: string): void; warn(o: object, msg?: string): void; error(o: object, msg?: string): void };
}

/** Fault switches every simulator understands (also settable at POST /__faults on HTTP simulators). */
export interface FaultSettings {
  /** none; slow (delay every answer); error (5xx / SQL error / unreadable file); hang (never answer);
   *  drop (close the connection mid-answer / truncate the file); malformed (garbage records) */
  mode: 'none' | 'slow' | 'error' | 'hang' | 'drop' | 'malformed';
  delayMs?: number;
}

export interface RunningSimulator {
  /** what its connector needs to reach it (url, api key, folder, connection string…) */
  connectorOptions: Record<string, unknown>;
  setFaults(f: FaultSettings): Promise<void>;
  /** requests (HTTP calls, SQL queries, file reads) served since start or last reset: tests count calls */
  callCount(): number;
  resetCallCount(): void;
  close(): Promise<void>;
}

export interface SimulatorEnv {
  /** PostgreSQL URL of the departments' own database (never the hub's); each department uses its own schema */
  departmentsDatabaseUrl: string;
  /** folder for file drops and other simulator files */
  dataDir: string;
  /** 0 = any free port */
  port: number;
  host: string;
}

export interface DepartmentSource {
  id: string;
  department: Department;
  /** 中文 name of the system, for `sources` */
  title: string;
  /** which raw fields hold ID numbers, phones and person names (connectors/<dept>/pii.ts) */
  piiFields: PiiFields;
  createConnector(options: ConnectorOptions, deps: ConnectorDeps): Connector;
  simulator: {
    /** Creates the department system's storage (tables, folders) if missing and empties it. */
    reset(env: SimulatorEnv): Promise<void>;
    /** Writes world items (already filtered to this department) into the system, in its own format. */
    seed(env: SimulatorEnv, items: AsyncIterable<WorldItem[]>): Promise<{ written: number }>;
    /** Changes one stored record in place (bumping its modification time), for incremental-sync tests. */
    touch(env: SimulatorEnv, sourceRecordId: string, change: Record<string, unknown>): Promise<void>;
    start(env: SimulatorEnv): Promise<RunningSimulator>;
  };
}

export const defineDepartmentSource = (s: DepartmentSource): DepartmentSource => s;

/**
 * A package's part of the generated world (default export of its optional generate.ts): built once per world,
 * then asked for each enterprise's items. It draws from a random stream of its own, so that adding a department
 * changes no other department's generated data.
 */
export type DepartmentWorld = (p: WorldParams) => (e: EnterpriseProfile) => WorldItem[];
