/** Builds each request's context: the services, who is asking, and this request's loaders (fresh every request). */
import type { Caller, HubContext, HubServices, Purpose } from '../kernel/context.js';
import { createLoaders } from './loaders.js';

export function buildContext(services: HubServices, requestId: string, caller: Caller, purpose: Purpose | null = null): HubContext {
  const log = services.log.child({ requestId, caller: caller.subject });
  const partial = { ...services, log, requestId, caller, purpose, sourceFailures: [], auditFailures: [] } as unknown as HubContext;
  partial.loaders = createLoaders(partial);
  return partial;
}
