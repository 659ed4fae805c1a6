/** What the security module adds to the hub's inputs and long-lived services (declaration merging into the kernel's context). */
import type { HubInputs, ModuleServices, Purpose } from '../kernel/context.js';
import type { AuditAnchors } from './audit-anchor.js';
import type { PiiVault } from './pii.js';
import { loadPurposes } from './purposes.js';

declare module '../kernel/context.js' {
  interface HubInputs {
    /** seals and opens personal identifiers; derives person keys */
    vault: PiiVault;
    /** where audit writes anchor the chain head (createHubServer opens it from the configuration when absent) */
    auditAnchors?: AuditAnchors;
  }
  interface ModuleServices {
    /** the lawful purposes callers may state (HUB_PURPOSES_FILE, else the bundled list) */
    purposes: readonly Purpose[];
  }
}

/** Read at start, so a broken purposes file stops the hub rather than every request. */
export function securityServices(inputs: Pick<HubInputs, 'config'>): Pick<ModuleServices, 'purposes'> {
  return { purposes: loadPurposes(inputs.config.HUB_PURPOSES_FILE) };
}
