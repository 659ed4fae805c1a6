/** 登录: username and password, field-level Chinese errors, and (in demo mode) one-click demo accounts. */
import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../api/client';
import { loadDemoAccounts, useSession, type DemoAccount } from '../api/session';
import { Field, Notice } from '../components/Field';
import { ROLE_ZH, label } from '../labels';
import { homeOf } from '../routes';

export function LoginPage() {
  const { user, signIn } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const state = (location.state ?? {}) as { from?: string; expired?: boolean };
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ username?: string; password?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const [demo, setDemo] = useState<DemoAccount[]>([]);

  useEffect(() => {
    loadDemoAccounts().then(setDemo, () => setDemo([]));
  }, []);

  if (user) return <Navigate to={state.from && state.from !== '/login' ? state.from : homeOf(user.roles)} replace />;

  const submit = async (u: string, p: string) => {
    const next: typeof errors = {};
    if (!u.trim()) next.username = '请输入用户名。';
    if (!p) next.password = '请输入密码。';
    setErrors(next);
    if (next.username || next.password) return;
    setBusy(true);
    try {
      const signedIn = await signIn(u.trim(), p);
      navigate(state.from && state.from !== '/login' ? state.from : homeOf(signedIn.roles), { replace: true });
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError('NETWORK', '登录未成功，请稍后再试。');
      if (e.isFor('username')) setErrors({ username: e.messageZh });
      else if (e.isFor('password')) setErrors({ password: e.messageZh });
      else if (e.code === 'UNAUTHENTICATED' || e.status === 401)
        setErrors({ password: e.serverWorded ? e.messageZh : '用户名或密码不正确。' });
      else setErrors({ form: e.messageZh });
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = (ev: FormEvent) => {
    ev.preventDefault();
    void submit(username, password);
  };

  return (
    <div className="login-screen">
      <div className="login-card">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            监
          </span>
          <div>
            <h1>监管工作台</h1>
            <p>安全生产联合监管数据枢纽</p>
          </div>
        </div>
        {state.expired && <Notice tone="warning">登录已失效，请重新登录。</Notice>}
        <form onSubmit={onSubmit} noValidate aria-label="登录">
          <Field label="用户名" required error={errors.username} name="username">
            <input className="input" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
          </Field>
          <Field label="密码" required error={errors.password} name="password">
            <input
              className="input"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          {errors.form && <Notice tone="error">{errors.form}</Notice>}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? '正在登录…' : '登录'}
          </button>
        </form>
        {demo.length > 0 && (
          <div className="demo-accounts" data-testid="demo-accounts">
            <h2>演示账号</h2>
            <p className="muted">
              {demo.some((a) => a.password)
                ? '演示模式下自动创建，点击即可登录。'
                : '演示模式下自动创建；从其他计算机访问时，请输入服务器上 .data/demo-users.json 中的密码。'}
            </p>
            <ul>
              {demo.map((a) => (
                <li key={a.username}>
                  <button
                    type="button"
                    className="demo-account"
                    disabled={busy}
                    onClick={() => {
                      if (a.password) void submit(a.username, a.password);
                      else {
                        // from another machine the hub does not send demo passwords: the user types it
                        setUsername(a.username);
                        setErrors({ password: '请输入该演示账号的密码（见服务器上的 .data/demo-users.json）。' });
                      }
                    }}
                  >
                    <strong>{a.name ?? a.username}</strong>
                    <span>{(a.roles ?? (a.role ? [a.role] : [])).map((r) => label(ROLE_ZH, r)).join('、')}</span>
                    {(a.officeName || a.office) && <span>{a.officeName ?? a.office}</span>}
                    <code>{a.username}</code>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
      <p className="login-foot">本系统仅供授权人员使用，操作将记录审计日志。</p>
    </div>
  );
}
