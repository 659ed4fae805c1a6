/** Raw fields of the natural-resources system's records that hold personal identifiers (src/security/raw-pii.ts). */
import type { PiiFields } from '../types.js';

// its records name 采矿权人 and listed subjects as units, never persons: the free-text net still runs
export const PII_FIELDS: PiiFields = { idNumber: [], phone: [], personName: [] };
