/** Signing in to the console over HTTP, as the browser does: POST /api/session, keep the cookie and the CSRF token. */
import type { DataSource } from 'typeorm';
import type { Role } from '../../src/security/roles.js';
import { createConsoleUser, type ConsoleUser } from '../../src/security/sessions.js';

export interface SignedIn {
  /** the `hub_session=…` pair to send as the Cookie header */
  cookie: string;
  csrfToken: string;
  /** Cookie + X-CSRF-Token: what the console sends with every request */
  headers: Record<string, string>;
  user: { username: string; name: string; roles: string[]; department: string | null; office: string | null; officeName: string | null };
}

export async function signIn(baseUrl: string, username: string, password: string): Promise<SignedIn> {
  const res = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${username} answered ${res.status}: ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0]!;
  const body = (await res.json()) as { csrfToken: string; user: SignedIn['user'] };
  return { cookie, csrfToken: body.csrfToken, headers: { cookie, 'x-csrf-token': body.csrfToken }, user: body.user };
}

/** A console user with a known password (defaults: a licensing officer of 武汉市江夏区行政审批局). */
export function createTestUser(
  ds: DataSource,
  username: string,
  password: string,
  o: {
    name?: string;
    roles?: Role[];
    department?: string | null;
    office?: string | null;
    officeName?: string | null;
    active?: boolean;
  } = {},
): Promise<ConsoleUser> {
  return createConsoleUser(ds, {
    username,
    password,
    name: o.name ?? '测试经办人',
    roles: o.roles ?? ['licensing_officer'],
    department: o.department ?? null,
    office: o.office === undefined ? 'WH-JX-XK' : o.office,
    officeName: o.officeName === undefined ? '武汉市江夏区行政审批局' : o.officeName,
    active: o.active,
  });
}
