/**
 * Per-request context: who is asking, the request id and logger, the store, the connectors and
 * this request's DataLoaders (built fresh for every request, so nothing is cached across callers).
 */
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Connector } from '../../connectors/types.js';
import type { HubConfig } from '../config.js';
import type { AuditAnchors } from '../security/audit-anchor.js';
import type { PiiVault } from '../security/pii.js';
import type { Purpose } from '../security/purposes.js';
import { createLoaders, type Loaders } from './loaders.js';

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

/** Per-source settings the server needs besides the connector itself (from its source configuration and the DepartmentSource). */
export interface SourceSettings {
  /** 中文 name of the department system */
  title?: string;
  /** the most a live read may wait on this source (default 5 s) */
  timeoutMs?: number;
}

/** What lives as long as the server: shared by every request. */
export interface HubServices {
  ds: DataSource;
  config: HubConfig;
  vault: PiiVault;
  connectors: ReadonlyMap<string, Connector>;
  log: Logger;
  /** optional per-source title and live-read timeout, keyed by connector id */
  sourceSettings?: ReadonlyMap<string, SourceSettings>;
  /** where audit writes anchor the chain head (createHubServer opens it from the configuration when absent) */
  auditAnchors?: AuditAnchors;
}

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
  /** live-read failures of this request, added to the response's errors (see sourceFailurePlugin) */
  sourceFailures: SourceFailure[];
  /** audit writes of clear disclosures that failed this request (the answer is then masked throughout, see disclosure.ts) */
  auditFailures: { reason: string }[];
}

export function buildContext(services: HubServices, requestId: string, caller: Caller, purpose: Purpose | null = null): HubContext {
  const log = services.log.child({ requestId, caller: caller.subject });
  const partial = { ...services, log, requestId, caller, purpose, sourceFailures: [], auditFailures: [] } as unknown as HubContext;
  partial.loaders = createLoaders(partial);
  return partial;
}
