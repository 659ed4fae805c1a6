/** Roles of callers (issue: access control). A caller may hold several. */
import { DEPARTMENT_PACKAGES } from '../../connectors/registry.js';

export const ROLES = ['licensing_officer', 'inspector', 'analyst', 'department_operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);

/** Departments a caller can belong to: the registered departments that take callers, and the safety committee's office. */
export const CALLER_DEPARTMENTS: readonly string[] = [
  ...DEPARTMENT_PACKAGES.filter((d) => d.callerDepartment !== false).map((d) => d.code),
  'SAFETY_COMMITTEE',
];
