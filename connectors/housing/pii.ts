/** Raw columns of the housing-and-construction database that hold personal identifiers (src/security/raw-pii.ts). */
import type { PiiFields } from '../types.js';

export const PII_FIELDS: PiiFields = {
  // 身份证号 of persons, registrations, assessments, posts and blacklist rows; 项目经理身份证号 of contracts
  idNumber: ['sfzh', 'xmjlsfzh'],
  // 联系电话
  phone: ['lxdh'],
  // 姓名
  personName: ['xm'],
};
