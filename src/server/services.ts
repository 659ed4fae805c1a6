/** The hub's long-lived objects, built once at start from what the host gives (src/main.ts, tests) and shared by every request. */
import { analyticsServices } from '../analytics/services.js';
import { creditServices } from '../credit/check.js';
import type { HubInputs, HubServices } from '../kernel/context.js';
import { openAuditAnchors } from '../security/audit-anchor.js';
import { securityServices } from '../security/services.js';
import { ReadBatch } from '../store/read-batch.js';

export function startServices(given: HubInputs): HubServices {
  return {
    ...given,
    auditAnchors: given.auditAnchors ?? openAuditAnchors(given.config),
    reads: new ReadBatch(given.ds),
    ...creditServices(given),
    ...analyticsServices(given),
    ...securityServices(given),
  };
}
