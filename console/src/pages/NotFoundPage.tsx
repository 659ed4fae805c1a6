import { Link } from 'react-router-dom';

export function NotFoundPage() {
  return (
    <div className="status-page">
      <div className="status-code">404</div>
      <h1>页面不存在</h1>
      <p>您访问的地址不存在，请检查后重试。</p>
      <Link className="btn btn-primary" to="/">
        返回首页
      </Link>
    </div>
  );
}
