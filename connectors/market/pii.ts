/** Raw fields of the market-regulation platform's records that hold personal identifiers (src/security/raw-pii.ts). */
import type { PiiFields } from '../types.js';

export const PII_FIELDS: PiiFields = {
  // persons, key-persons and credit-list entries carry the 证件号码 as certNo
  idNumber: ['certNo'],
  phone: ['mobile'],
  personName: ['name', 'personName', 'legalRepName'],
};
