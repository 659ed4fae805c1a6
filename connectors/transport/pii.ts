/** Raw fields of the transport system's records that hold personal identifiers (src/security/raw-pii.ts). */
import type { PiiFields } from '../types.js';

// its records name operators (enterprises) and vehicles, never persons: the free-text net still runs
export const PII_FIELDS: PiiFields = { idNumber: [], phone: [], personName: [] };
