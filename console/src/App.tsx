/**
 * The console's shell: session, routes (src/routes.tsx), the guard that sends a role to 无权访问, and the
 * global answers to API errors (signed out → 登录, a page's data refused → 无权访问).
 */
import { useEffect, type ReactElement } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { onApiError } from './api/client';
import { SessionProvider, useSession } from './api/session';
import { Layout } from './components/Layout';
import { ForbiddenPage } from './pages/ForbiddenPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { ROUTES, homeOf, mayOpen, type ConsoleRoute } from './routes';

function Loading() {
  return <div className="boot">正在加载…</div>;
}

/** Signed out → 登录 (coming back here after); signed in without the role → 无权访问. */
function Guard({ route }: { route: ConsoleRoute }): ReactElement {
  const { user } = useSession();
  const location = useLocation();
  if (user === undefined) return <Loading />;
  if (user === null) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (!mayOpen(route, user.roles)) return <ForbiddenPage attempted={location.pathname} />;
  return <Layout>{route.element}</Layout>;
}

function Home(): ReactElement {
  const { user } = useSession();
  if (user === undefined) return <Loading />;
  return <Navigate to={user ? homeOf(user.roles) : '/login'} replace />;
}

function ApiErrorRedirects() {
  const navigate = useNavigate();
  const location = useLocation();
  const { refresh } = useSession();
  useEffect(
    () =>
      onApiError((e) => {
        if (e.code === 'UNAUTHENTICATED' && location.pathname !== '/login') {
          void refresh();
          navigate('/login', { replace: true, state: { from: location.pathname, expired: true } });
        } else if (e.code === 'FORBIDDEN') {
          navigate('/forbidden', { state: { from: location.pathname, messageZh: e.messageZh } });
        }
      }),
    [navigate, location.pathname, refresh],
  );
  return null;
}

export function App() {
  return (
    <SessionProvider>
      <BrowserRouter>
        <ApiErrorRedirects />
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/login" element={<LoginPage />} />
          <Route path="/forbidden" element={<ForbiddenPage />} />
          {ROUTES.map((r) => (
            <Route key={r.path} path={r.path} element={<Guard route={r} />} />
          ))}
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </BrowserRouter>
    </SessionProvider>
  );
}
