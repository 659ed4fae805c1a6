/** Raw fields of the emergency-management system's records that hold personal identifiers (src/security/raw-pii.ts). */
import type { PiiFields } from '../types.js';

export const PII_FIELDS: PiiFields = {
  idNumber: ['id_card_no'],
  phone: ['mobile'],
  personName: ['name', 'person_name'],
};
