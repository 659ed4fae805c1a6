/** Roles of callers (issue: access control). A caller may hold several. */
export const ROLES = ['licensing_officer', 'inspector', 'analyst', 'department_operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);

/** Departments a caller can belong to (the same codes as the data's departments). */
export const CALLER_DEPARTMENTS = ['MARKET', 'HOUSING', 'EMERGENCY', 'TRANSPORT', 'FIRE', 'SAFETY_COMMITTEE'] as const;
