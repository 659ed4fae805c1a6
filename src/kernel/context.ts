/**
 * The context every resolver and route receives: who is asking, the request id and logger, the
 * long-lived services, and this request's loaders. The kernel names only what every module shares;
 * each module adds its own parts by declaration merging (`declare module '../kernel/context.js'`):
 * its per-request loaders (its loaders.ts), and its long-lived objects (built once at start by the
 * server). The server assembles both, so the kernel imports no module.
 */
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Connector } from '../../connectors/types.js';
import type { HubConfig } from '../config.js';

export interface Caller {
  subject: string;
  department: string | null;
  roles: string[];
  /** how the caller authenticated */
  via?: 'jwt' | 'api_key' | 'session';
  /** 办理机构 the caller's office (licensing hall, bureau section): checks and their feedback belong to it */
  office?: string | null;
  /** display name of the person (经办人), printed on records; the subject is the stable id */
  name?: string | null;
}

/** A lawful purpose (合法用途) the caller states (header X-Purpose); the list is src/security/purposes.ts's. */
export interface Purpose {
  /** what clients send, e.g. LICENSING_REVIEW */
  code: string;
  /** 用途 the purpose in Chinese, as the audit log records it */
  zh: string;
}

/** Per-source settings the server needs besides the connector itself (from its source configuration and the DepartmentSource). */
export interface SourceSettings {
  /** 中文 name of the department system */
  title?: string;
  /** the most a live read may wait on this source (default 5 s) */
  timeoutMs?: number;
}

/**
 * What the host (src/main.ts, the CLI, tests) gives the hub to start. The security module adds the PII
 * vault and the audit anchors (src/security/services.ts).
 */
export interface HubInputs {
  ds: DataSource;
  config: HubConfig;
  connectors: ReadonlyMap<string, Connector>;
  log: Logger;
  /** optional per-source title and live-read timeout, keyed by connector id */
  sourceSettings?: ReadonlyMap<string, SourceSettings>;
}

/**
 * Long-lived objects of the modules (batchers, caches), built once at start from the inputs and
 * shared by every request. Each module declares its own entries.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ModuleServices {}

/** What lives as long as the server: shared by every request. */
export interface HubServices extends HubInputs, ModuleServices {}

/**
 * This request's loaders (DataLoaders and per-request memos), built fresh for every request so
 * nothing is cached across callers. Each module declares and builds its own in its loaders.ts.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Loaders {}

/** A live read that failed: reported as a SOURCE_UNAVAILABLE error at `path` while the section falls back to stored data. */
export interface SourceFailure {
  path: (string | number)[];
  source: string;
  reason: string;
  message: string;
}

export interface HubContext extends HubServices {
  requestId: string;
  caller: Caller;
  /** the lawful purpose the caller states (header X-Purpose), recorded with every clear disclosure of personal data */
  purpose: Purpose | null;
  loaders: Loaders;
  /** live-read failures of this request, added to the response's errors (see useSourceFailures) */
  sourceFailures: SourceFailure[];
  /** audit writes of clear disclosures that failed this request (the answer is then masked throughout, see disclosure.ts) */
  auditFailures: { reason: string }[];
}
