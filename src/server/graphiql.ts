/**
 * The GraphQL IDE, served from npm packages on this server (no CDN), so it works offline.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import express, { type Router } from 'express';
import { CSP_SAME_ORIGIN } from '../kernel/html.js';

const require = createRequire(import.meta.url);
const dirOf = (pkg: string) => path.dirname(require.resolve(`${pkg}/package.json`));

const EXAMPLE = `# 安全生产联合监管数据枢纽
# The riskiest enterprises with why, and the department sources.
# Then try enterprise(creditCode: "…") with market, housing, emergency, transport and fire sections.
query Overview {
  enterprises(first: 5, orderBy: {field: RISK_SCORE, direction: DESC}) {
    totalCount
    nodes {
      creditCode
      name
      status
      industryCode
      risk { score tier factors { factor contribution } }
    }
  }
  sources {
    id
    title
    lastSync { status finishedAt recordsRead }
    quarantineCount
    resilience { breaker }
  }
}`;

/**
 * The IDE page's Content-Security-Policy: its own bundles, and the inline bootstrap script only with this
 * response's nonce (no 'unsafe-inline' for scripts). GraphiQL adds <style> elements and style attributes
 * at run time, so styles may be inline; it fetches only /graphql and /api/session.
 */
export function graphiqlCsp(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    ...CSP_SAME_ORIGIN,
  ].join('; ');
}

/** The IDE page; `nonce` marks its inline script (graphiqlCsp). */
export function graphiqlPage(endpoint: string, nonce: string, defaultQuery = EXAMPLE): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8" />
  <title>安全生产联合监管数据枢纽 · GraphiQL</title>
  <link rel="stylesheet" href="/ide/graphiql/graphiql.min.css" />
  <style>html,body{height:100%;margin:0}body{display:flex;flex-direction:column}#graphiql{flex:1;min-height:0}#hub-note:empty{display:none}#hub-note{padding:6px 12px;font:14px sans-serif;background:#fff4e5}</style>
</head>
<body>
  <div id="hub-note"></div>
  <div id="graphiql">Loading…</div>
  <script src="/ide/react/umd/react.production.min.js"></script>
  <script src="/ide/react-dom/umd/react-dom.production.min.js"></script>
  <script src="/ide/graphiql/graphiql.min.js"></script>
  <script nonce="${nonce}">
    // a browser signed in to the console uses its session cookie and sends the session's CSRF token with every
    // POST; a developer may keep a bearer token in localStorage 'hub-token' or type it in the Headers editor.
    // Never from the address: a token in a URL ends up in access logs, history and Referer headers.
    const token = localStorage.getItem('hub-token') || '';
    const start = (headers, note) => {
      const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)}, headers });
      if (note) document.getElementById('hub-note').innerHTML = note;
      ReactDOM.createRoot(document.getElementById('graphiql')).render(
        React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(defaultQuery)}, defaultEditorToolsVisibility: true }),
      );
    };
    if (token) start({ Authorization: 'Bearer ' + token }, '');
    else fetch('/api/session', { headers: { accept: 'application/json' } })
      .then((r) => (r.ok ? r.json() : null))
      .then((s) => s ? start({ 'X-CSRF-Token': s.csrfToken }, '') : start({}, '未登录：请先 <a href="/login?next=/graphql">登录监管工作台</a>；程序调试可在下方 Headers 中填写 {"Authorization": "Bearer …"}'))
      .catch(() => start({}, ''));
  </script>
</body>
</html>`;
}

/** Static files of the IDE: only the few bundles the page loads. */
export function ideAssets(): Router {
  const r = express.Router();
  const opts = { immutable: true, maxAge: '7d', index: false } as const;
  r.use('/ide/graphiql', express.static(dirOf('graphiql'), opts));
  r.use('/ide/react', express.static(dirOf('react'), opts));
  r.use('/ide/react-dom', express.static(dirOf('react-dom'), opts));
  return r;
}
