/** The hub's long-lived objects, built once at start from what the host gives (src/main.ts, tests) and shared by every request. */
import { creditServices } from '../credit/check.js';
import type { HubInputs, HubServices } from '../kernel/context.js';
import { openAuditAnchors } from '../security/audit-anchor.js';

export function startServices(given: HubInputs): HubServices {
  return {
    ...given,
    auditAnchors: given.auditAnchors ?? openAuditAnchors(given.config),
    ...creditServices(given),
  };
}
