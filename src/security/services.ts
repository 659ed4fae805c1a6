/** What the security module adds to the hub's inputs (declaration merging into the kernel's context). */
import type { AuditAnchors } from './audit-anchor.js';
import type { PiiVault } from './pii.js';

declare module '../kernel/context.js' {
  interface HubInputs {
    /** seals and opens personal identifiers; derives person keys */
    vault: PiiVault;
    /** where audit writes anchor the chain head (createHubServer opens it from the configuration when absent) */
    auditAnchors?: AuditAnchors;
  }
}
