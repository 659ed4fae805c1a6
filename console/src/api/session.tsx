/**
 * The signed-in user (GET /api/session), shared through React context. Sign-in and sign-out call the
 * session API (cookie `hub_session`, HttpOnly; the CSRF token it returns goes on every non-GET request).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { rest, restQuiet, setCsrfToken } from './client';

export interface SessionUser {
  username: string;
  name: string | null;
  roles: string[];
  department: string | null;
  office: string | null;
  officeName: string | null;
}

interface SessionAnswer {
  user: SessionUser;
  csrfToken: string;
}

export interface DemoAccount {
  username: string;
  /** only for a browser on the hub's own machine */
  password?: string;
  name?: string | null;
  roles?: string[];
  role?: string;
  office?: string | null;
  officeName?: string | null;
  department?: string | null;
}

interface SessionState {
  /** undefined while loading, null when signed out */
  user: SessionUser | null | undefined;
  signIn(username: string, password: string): Promise<SessionUser>;
  signOut(): Promise<void>;
  refresh(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null | undefined>(undefined);

  const refresh = useCallback(async () => {
    const { body } = await restQuiet<SessionAnswer>('GET', '/api/session');
    setCsrfToken(body?.csrfToken ?? null);
    setUser(body?.user ?? null);
  }, []);

  useEffect(() => {
    refresh().catch(() => setUser(null));
  }, [refresh]);

  const signIn = useCallback(async (username: string, password: string) => {
    const answer = await rest<SessionAnswer>('POST', '/api/session', { username, password });
    setCsrfToken(answer.csrfToken);
    setUser(answer.user);
    return answer.user;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await rest('DELETE', '/api/session');
    } finally {
      setCsrfToken(null);
      setUser(null);
    }
  }, []);

  const value = useMemo(() => ({ user, signIn, signOut, refresh }), [user, signIn, signOut, refresh]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in user (pages under RequireRole only). */
export function useUser(): SessionUser {
  const { user } = useSession();
  if (!user) throw new Error('useUser without a signed-in user');
  return user;
}

export async function loadDemoAccounts(): Promise<DemoAccount[]> {
  const { body } = await restQuiet<{ accounts?: DemoAccount[] } | DemoAccount[]>('GET', '/api/session/demo-accounts');
  if (!body) return [];
  return Array.isArray(body) ? body : (body.accounts ?? []);
}
