/**
 * Demo mode (no token keys configured, not production): one console user per role, so the sign-in page
 * replaces copying a token from the start log. Passwords are generated once and kept in
 * `<HUB_DATA_DIR>/demo-users.json` (mode 0600, like jwt.secret); the sign-in page lists them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Role } from './roles.js';
import {
  DEPARTMENT_LABELS_ZH,
  ROLE_LABELS_ZH,
  createConsoleUser,
  findConsoleUsers,
  setConsolePassword,
  type NewConsoleUser,
} from './sessions.js';

type DemoUser = Omit<NewConsoleUser, 'password'>;

/** One per role; two licensing officers of different offices (a check belongs to its office). */
export const DEMO_USERS: DemoUser[] = [
  {
    username: 'officer',
    name: '陈晓明',
    roles: ['licensing_officer'],
    department: null,
    office: 'WH-JX-XK',
    officeName: '武汉市江夏区行政审批局',
  },
  {
    username: 'officer2',
    name: '刘芳',
    roles: ['licensing_officer'],
    department: null,
    office: 'WH-HS-XK',
    officeName: '武汉市洪山区行政审批局',
  },
  {
    username: 'analyst',
    name: '王建国',
    roles: ['analyst'],
    department: 'SAFETY_COMMITTEE',
    office: 'HB-AWB',
    officeName: '湖北省安全生产委员会办公室',
  },
  {
    username: 'inspector',
    name: '赵磊',
    roles: ['inspector'],
    department: 'EMERGENCY',
    office: 'HB-YJT-ZF',
    officeName: '湖北省应急管理厅执法监督处',
  },
  {
    username: 'operator',
    name: '孙丽',
    roles: ['department_operator'],
    department: 'MARKET',
    office: 'HB-SCJ-XX',
    officeName: '湖北省市场监督管理局信息中心',
  },
  { username: 'admin', name: '周海', roles: ['admin'], department: null, office: 'HUB-OPS', officeName: '数据枢纽运维组' },
];

export const demoUsersFile = (dataDir: string) => path.join(dataDir, 'demo-users.json');

function readPasswords(file: string): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  try {
    const list = JSON.parse(fs.readFileSync(file, 'utf8')) as { username: string; password: string }[];
    return Object.fromEntries(list.map((u) => [u.username, u.password]));
  } catch {
    return {};
  }
}

/**
 * Creates the demo users that are missing, and (re)writes demo-users.json. A user whose password is not in
 * the file (the data folder was reset while the database was kept) gets a new one.
 */
export async function ensureDemoUsers(ds: DataSource, dataDir: string): Promise<void> {
  const file = demoUsersFile(dataDir);
  const known = readPasswords(file);
  const existing = new Set(
    (
      await findConsoleUsers(
        ds,
        DEMO_USERS.map((u) => u.username),
      )
    ).map((u) => u.username),
  );
  const entries: { username: string; password: string }[] = [];
  for (const u of DEMO_USERS) {
    let password = known[u.username];
    if (!existing.has(u.username)) {
      password ??= randomBytes(9).toString('base64url');
      await createConsoleUser(ds, { ...u, password });
    } else if (!password) {
      password = randomBytes(9).toString('base64url');
      await setConsolePassword(ds, u.username, password);
    }
    entries.push({ username: u.username, password });
  }
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(entries, null, 1)}\n`, { mode: 0o600 });
  // writeFileSync keeps the mode of a file that already exists
  fs.chmodSync(file, 0o600);
}

export interface DemoAccount {
  username: string;
  name: string;
  roles: Role[];
  roleLabel: string;
  department: string | null;
  departmentLabel: string | null;
  office: string | null;
  officeName: string | null;
  password: string;
}

/** The demo accounts the sign-in page offers (users that exist, are active and whose password is in the file). */
export async function listDemoAccounts(ds: DataSource, dataDir: string): Promise<DemoAccount[]> {
  const passwords = readPasswords(demoUsersFile(dataDir));
  const users = await findConsoleUsers(ds, Object.keys(passwords));
  const order = DEMO_USERS.map((u) => u.username);
  return users
    .sort((a, b) => order.indexOf(a.username) - order.indexOf(b.username))
    .map((u) => ({
      username: u.username,
      name: u.name,
      roles: u.roles,
      roleLabel: u.roles.map((r) => ROLE_LABELS_ZH[r]).join('、'),
      department: u.department,
      departmentLabel: u.department ? (DEPARTMENT_LABELS_ZH[u.department] ?? null) : null,
      office: u.office,
      officeName: u.officeName,
      password: passwords[u.username]!,
    }));
}
