/** Raw cells of the fire service's exports that hold personal identifiers (src/security/raw-pii.ts). */
import type { PiiFields } from '../types.js';

export const PII_FIELDS: PiiFields = {
  idNumber: ['身份证件号码'],
  phone: [],
  personName: ['当事人姓名'],
};
