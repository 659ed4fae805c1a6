/**
 * THE routes table of the console: path, page, who may open it, and its entry in the navigation menu.
 * To add a page: write it in src/pages/, add one row here (the menu and the 无权访问 guard follow).
 * The hub serves index.html for these paths (src/server/console.ts: CONSOLE_ROUTES) — keep them in step.
 */
import type { ReactElement } from 'react';
import { AnalystPage } from './pages/AnalystPage';
import { EnterprisePage } from './pages/EnterprisePage';
import { OfficerPage } from './pages/OfficerPage';
import { OfficerStatsPage } from './pages/OfficerStatsPage';

export type RoleName = 'licensing_officer' | 'inspector' | 'analyst' | 'department_operator' | 'admin';

export interface ConsoleRoute {
  /** react-router path */
  path: string;
  element: ReactElement;
  /** roles that may open it (admin is NOT implied: list it) */
  roles: readonly RoleName[];
  /** menu entry (omitted: not in the menu, e.g. a detail page) */
  nav?: { label: string; to: string; order: number };
}

export const ROUTES: ConsoleRoute[] = [
  {
    path: '/officer',
    element: <OfficerPage />,
    roles: ['licensing_officer', 'admin'],
    nav: { label: '联合惩戒核查', to: '/officer', order: 10 },
  },
  { path: '/officer/checks/:checkId', element: <OfficerPage />, roles: ['licensing_officer', 'admin'] },
  {
    path: '/officer/stats',
    element: <OfficerStatsPage />,
    roles: ['licensing_officer', 'admin'],
    nav: { label: '反馈率统计', to: '/officer/stats', order: 20 },
  },
  // the roles policy.ts lets read enterpriseStats and use the export (src/analytics/export.ts EXPORT_ROLES)
  {
    path: '/analyst/*',
    element: <AnalystPage />,
    roles: ['analyst', 'inspector', 'department_operator', 'admin'],
    nav: { label: '分析', to: '/analyst', order: 30 },
  },
  {
    path: '/enterprise',
    element: <EnterprisePage />,
    roles: ['licensing_officer', 'inspector', 'analyst', 'department_operator', 'admin'],
    nav: { label: '企业画像', to: '/enterprise', order: 40 },
  },
  {
    path: '/enterprise/:creditCode',
    element: <EnterprisePage />,
    roles: ['licensing_officer', 'inspector', 'analyst', 'department_operator', 'admin'],
  },
];

/** Where a role lands after sign-in (the first role that has a home wins). */
export function homeOf(roles: readonly string[]): string {
  if (roles.includes('licensing_officer')) return '/officer';
  if (roles.includes('analyst')) return '/analyst';
  return '/enterprise';
}

export const mayOpen = (route: ConsoleRoute, roles: readonly string[]): boolean => route.roles.some((r) => roles.includes(r));

/** Menu entries the roles may open, in order. */
export function navFor(roles: readonly string[]): { label: string; to: string }[] {
  return ROUTES.filter((r) => r.nav && mayOpen(r, roles))
    .map((r) => r.nav!)
    .sort((a, b) => a.order - b.order);
}
