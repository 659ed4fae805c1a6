/** The bench's scenarios, run in this order. Other issues add theirs here (one module each). */
import { ANALYTICS_SCENARIOS } from './analytics.js';
import { projectCheck50 } from './compliance.js';
import {
  enterpriseAllDepartments,
  enterpriseAllDepartmentsVaried,
  gatewayProfile,
  postgraphileProfile,
} from './enterprise-all-departments.js';
import { JOINT_PUNISHMENT_SCENARIOS } from './joint-punishment.js';
import { REFUSED_SCENARIOS } from './refused.js';
import { typename } from './typename.js';
import type { Scenario } from './types.js';

export const SCENARIOS: Scenario[] = [
  typename,
  enterpriseAllDepartments,
  enterpriseAllDepartmentsVaried,
  postgraphileProfile,
  gatewayProfile,
  ...ANALYTICS_SCENARIOS,
  ...REFUSED_SCENARIOS,
  projectCheck50,
  ...JOINT_PUNISHMENT_SCENARIOS,
];
