/** Page frame: header (brand, menu from the routes table, the user's name, role and office, 退出登录) and content. */
import type { ReactNode } from 'react';
import { NavLink, useNavigate } from 'react-router-dom';
import { useSession } from '../api/session';
import { ROLE_ZH, label } from '../labels';
import { navFor } from '../routes';

export function Layout({ children }: { children: ReactNode }) {
  const { user, signOut } = useSession();
  const navigate = useNavigate();
  const roles = user?.roles ?? [];
  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            监
          </span>
          <span className="brand-text">
            <strong>监管工作台</strong>
            <small>安全生产联合监管数据枢纽</small>
          </span>
        </div>
        <nav className="app-nav" aria-label="主菜单">
          {navFor(roles).map((n) => (
            <NavLink key={n.to} to={n.to} end={n.to === '/officer'} className={({ isActive }) => (isActive ? 'active' : '')}>
              {n.label}
            </NavLink>
          ))}
        </nav>
        {user && (
          <div className="user-box" data-testid="user-box">
            <div className="user-lines">
              <span className="user-name">{user.name ?? user.username}</span>
              <span className="user-meta">
                {roles.map((r) => label(ROLE_ZH, r)).join('、')}
                {user.officeName || user.office ? ` · ${user.officeName ?? user.office}` : ''}
              </span>
            </div>
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                void signOut().finally(() => navigate('/login', { replace: true }));
              }}
            >
              退出登录
            </button>
          </div>
        )}
      </header>
      <main className="app-main">{children}</main>
    </div>
  );
}

/** A page's title bar and body. */
export function Page({
  title,
  subtitle,
  actions,
  children,
}: {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="page">
      <div className="page-head">
        <div>
          <h1>{title}</h1>
          {subtitle && <p className="page-sub">{subtitle}</p>}
        </div>
        {actions && <div className="page-actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

/** A titled panel inside a page. */
export function Section({
  title,
  extra,
  children,
  className,
}: {
  title?: ReactNode;
  extra?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={`panel ${className ?? ''}`}>
      {(title || extra) && (
        <div className="panel-head">
          {title && <h2>{title}</h2>}
          {extra && <div className="panel-extra">{extra}</div>}
        </div>
      )}
      <div className="panel-body">{children}</div>
    </section>
  );
}
