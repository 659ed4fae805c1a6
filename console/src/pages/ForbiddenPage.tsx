/** 无权访问: the page (or the data it asked for) is not for the signed-in role. */
import { Link, useLocation } from 'react-router-dom';
import { useSession } from '../api/session';
import { Layout } from '../components/Layout';
import { ROLE_ZH, label } from '../labels';
import { homeOf } from '../routes';

export function ForbiddenPage({ attempted }: { attempted?: string }) {
  const { user } = useSession();
  const location = useLocation();
  const state = (location.state ?? {}) as { from?: string; messageZh?: string };
  const path = attempted ?? state.from;
  const roles = user?.roles.map((r) => label(ROLE_ZH, r)).join('、');
  const body = (
    <div className="status-page" data-testid="forbidden">
      <div className="status-code">403</div>
      <h1>无权访问</h1>
      {user ? (
        <p>
          您当前的角色（<strong>{roles || '无角色'}</strong>）无权访问
          {path ? (
            <>
              {' '}
              页面 <code>{path}</code>
            </>
          ) : (
            '此页面'
          )}
          。
        </p>
      ) : (
        <p>请先登录。</p>
      )}
      {state.messageZh && <p className="muted">{state.messageZh}</p>}
      <p className="muted">如需开通权限，请联系本单位系统管理员。</p>
      <Link className="btn btn-primary" to={user ? homeOf(user.roles) : '/login'}>
        {user ? '返回首页' : '去登录'}
      </Link>
    </div>
  );
  return user ? <Layout>{body}</Layout> : body;
}
