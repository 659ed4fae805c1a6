/**
 * The GraphQL IDE, served from npm packages on this server (no CDN), so it works offline.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import express, { type Router } from 'express';

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

export function graphiqlPage(endpoint: string, defaultQuery = EXAMPLE): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8" />
  <title>安全生产联合监管数据枢纽 · GraphiQL</title>
  <link rel="stylesheet" href="/ide/graphiql/graphiql.min.css" />
  <style>html,body,#graphiql{height:100%;margin:0}</style>
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="/ide/react/umd/react.production.min.js"></script>
  <script src="/ide/react-dom/umd/react-dom.production.min.js"></script>
  <script src="/ide/graphiql/graphiql.min.js"></script>
  <script>
    const token = new URLSearchParams(location.search).get('token') || localStorage.getItem('hub-token') || '';
    const fetcher = GraphiQL.createFetcher({
      url: ${JSON.stringify(endpoint)},
      headers: token ? { Authorization: 'Bearer ' + token } : {},
    });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(defaultQuery)}, defaultEditorToolsVisibility: true }),
    );
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
