/**
 * Per-request context: who is asking, the request id and logger, the store, the connectors and
 * this request's DataLoaders (built fresh for every request, so nothing is cached across callers).
 */
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Connector } from '../../connectors/types.js';
import type { HubConfig } from '../config.js';
import type { PiiVault } from '../security/pii.js';
import { createLoaders, type Loaders } from './loaders.js';

export interface Caller {
  subject: string;
  department: string | null;
  roles: string[];
}

/** What lives as long as the server: shared by every request. */
export interface HubServices {
  ds: DataSource;
  config: HubConfig;
  vault: PiiVault;
  connectors: ReadonlyMap<string, Connector>;
  log: Logger;
}

export interface HubContext extends HubServices {
  requestId: string;
  caller: Caller;
  loaders: Loaders;
}

export function buildContext(services: HubServices, requestId: string, caller: Caller): HubContext {
  const log = services.log.child({ requestId });
  const partial = { ...services, log, requestId, caller } as HubContext;
  partial.loaders = createLoaders(partial);
  return partial;
}
