/**
 * The HTTP server: Apollo Server on Express at /graphql (GraphiQL on GET from a browser), health
 * endpoints, and the REST facade. Every request but health, readiness and the IDE's static files is
 * authenticated (auth.ts) and rate-limited per client; every field is guarded by the access policy
 * (src/security/policy.ts); queries are bounded by GraphQL Armor (src/security/query-limits.ts);
 * bodies are capped at 1 MB. Errors made on purpose pass through with their code; everything else is
 * masked and logged with the request id.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express } from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { enterpriseExportRouter } from '../analytics/export.js';
import { apiErrorHandler, apiNotFound, jointPunishmentRouter } from '../credit/rest.js';
import { latestRuns } from '../ops/store.js';
import { applyPolicy } from '../security/authorize.js';
import { purposeOfHeader, validRequestId } from '../security/purposes.js';
import { PARSE_OPTIONS, queryArmor, queryCostPlugin } from '../security/query-limits.js';
import { createKeyedLimiters, createRateLimiter } from '../security/rate-limit.js';
import { SessionStore } from '../security/sessions.js';
import { loadTrustedDocuments, trustedDocumentsMiddleware } from '../security/trusted-documents.js';
import { authMiddleware, bodyErrorHandler, callerOfRequest, createAuthenticator, isDemoMode, rateLimitMiddleware } from './auth.js';
import { consoleRouter } from './console.js';
import type { HubContext, HubInputs, HubServices } from '../kernel/context.js';
import { buildContext } from './context.js';
import { isDeliberate } from '../kernel/errors.js';
import { graphiqlCsp, graphiqlPage, ideAssets } from './graphiql.js';
import { cspNonce, setHtmlSecurityHeaders } from '../kernel/html.js';
import { createObservability } from './observability.js';
import { useArgumentNaming } from './plugins/argument-naming.js';
import { useAuditFailures } from './plugins/audit-failures.js';
import { useErrorLog } from './plugins/error-log.js';
import { useNoStore } from './plugins/no-store.js';
import { useRequestErrorStatus } from './plugins/request-error-status.js';
import { useSourceFailures } from './plugins/source-failures.js';
import { buildSchema } from './schema.js';
import { startServices } from './services.js';
import { sessionRouter } from './session-routes.js';
import { NoServiceSdl } from './subgraph.js';

export interface HubServer {
  app: Express;
  /** the long-lived objects this server built at start (its analytic slots, its check batchers…) */
  services: HubServices;
  httpServer: http.Server;
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/** The GraphQL request body limit (a larger body answers 413 before it is read). */
export const MAX_BODY = '1mb';

/** HUB_TRUST_PROXY as Express's 'trust proxy' setting: true/false, a hop count, or addresses/subnets. */
function trustProxyValue(v: string): boolean | number | string {
  if (v === 'true' || v === 'false') return v === 'true';
  return /^\d+$/.test(v) ? Number(v) : v;
}

export async function createHubServer(given: HubInputs): Promise<HubServer> {
  const services: HubServices = startServices(given);
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const observability = createObservability(services);
  app.use(observability.httpMetrics);
  const production = services.config.NODE_ENV === 'production';
  const cfg = services.config;
  // behind a reverse proxy, the per-IP limits need the client's address from X-Forwarded-For
  if (cfg.HUB_TRUST_PROXY) app.set('trust proxy', trustProxyValue(cfg.HUB_TRUST_PROXY));
  const sessions = new SessionStore(services.ds, { idleMinutes: cfg.HUB_SESSION_IDLE_MINUTES, maxHours: cfg.HUB_SESSION_MAX_HOURS });
  // refuses to start in production without token keys, issuer, audience and PII key
  const auth = await createAuthenticator(services.ds, cfg, sessions);
  const trusted = cfg.HUB_TRUSTED_DOCUMENTS ? loadTrustedDocuments(cfg.HUB_TRUSTED_DOCUMENTS) : null;
  const limiter = createRateLimiter({
    points: cfg.HUB_RATE_LIMIT_POINTS,
    windowS: cfg.HUB_RATE_LIMIT_WINDOW_S,
    burst: cfg.HUB_RATE_LIMIT_BURST,
    redisUrl: cfg.REDIS_URL,
  });
  const keyed = createKeyedLimiters(cfg.REDIS_URL);
  const anonymous = keyed.limiter('anon', cfg.HUB_RATE_LIMIT_ANON_POINTS, cfg.HUB_RATE_LIMIT_WINDOW_S);
  const loginWindowS = cfg.HUB_LOGIN_WINDOW_MINUTES * 60;
  const loginPerIp = keyed.limiter('login-ip', cfg.HUB_LOGIN_MAX_ATTEMPTS_PER_IP, loginWindowS);
  const loginPerUser = keyed.limiter('login-user', cfg.HUB_LOGIN_MAX_FAILURES_PER_USER, loginWindowS);
  const armor = queryArmor(production);

  const schema = applyPolicy(buildSchema());
  const contextFor = async (req: express.Request): Promise<HubContext> => {
    const caller = callerOfRequest(req);
    // unreachable through the routes below (auth runs first); guards a route mounted by mistake before it
    if (!caller) throw new GraphQLError('authentication required', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    // a client's request id is kept only when it is a plain token: it lands in logs and the audit log
    const requestId = validRequestId(req.headers['x-request-id']) ?? randomUUID();
    const purpose = purposeOfHeader(req.headers['x-purpose'], services.purposes);
    return buildContext(
      services,
      requestId,
      {
        subject: caller.subject,
        department: caller.department,
        roles: caller.roles,
        via: caller.via,
        office: caller.office,
        name: caller.name,
      },
      purpose,
    );
  };
  const apollo = new ApolloServer<HubContext>({
    schema,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // src/main.ts owns SIGTERM/SIGINT: it drains this server, stops the sync and closes the pools in order
    stopOnTerminationSignals: false,
    // a browser cannot send these headers cross-site without a CORS preflight; every authenticated request carries one
    // (the console's cookie-authenticated requests carry X-CSRF-Token, checked against the session in auth.ts)
    csrfPrevention: {
      requestHeaders: ['authorization', 'x-api-key', 'x-csrf-token', 'x-apollo-operation-name', 'apollo-require-preflight'],
    },
    // _service { sdl } is the schema too: off where introspection is off
    validationRules: [...armor.validationRules, ...(production ? [NoServiceSdl] : [])],
    // the token limit: a document over it is a parse failure (GRAPHQL_PARSE_FAILED, 400)
    parseOptions: PARSE_OPTIONS,
    // the default cache-control plugin wraps every field resolver to compute hints the hub never gives; answers are never cacheable
    // a subgraph schema turns Apollo's inline tracing on by default: per-field timings to anyone sending the header
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      useNoStore(),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      observability.apolloPlugin,
      useErrorLog(),
      useSourceFailures(),
      useAuditFailures(),
      queryCostPlugin<HubContext>(),
      useRequestErrorStatus<HubContext>(),
      useArgumentNaming(),
      ...(armor.plugins as ApolloServerPlugin<HubContext>[]),
    ],
    formatError: (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
      const original = error instanceof GraphQLError ? error.originalError : error;
      // parse/validation errors and errors raised on purpose pass; anything thrown by accident is masked
      // (validation failures too: a scalar refuses a literal by throwing, and graphql-js reports it as a validation error)
      const validation = formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED';
      const deliberate = (validation || !original || original instanceof GraphQLError) && isDeliberate(formatted.extensions?.code);
      if (deliberate) return formatted;
      return {
        message: 'Internal server error',
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      };
    },
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // /readyz is public (load balancers ask it without credentials): it says no more than ready or not per
  // connector (no sync error text), and its answer is reused for a second so a flood of probes costs the
  // database one query pair a second, not one per request
  let readiness: { at: number; status: number; body: unknown } | null = null;
  app.get('/readyz', async (_req, res) => {
    if (readiness && Date.now() - readiness.at < 1000) {
      res.status(readiness.status).json(readiness.body);
      return;
    }
    try {
      await services.ds.query('SELECT 1');
      const runs = await latestRuns(services.ds);
      const connectors = [...services.connectors.keys()].map((id) => {
        const run = runs.find((r) => r.connector === id);
        return { id, lastSync: run ? { status: run.status, startedAt: run.started_at, finishedAt: run.finished_at } : null };
      });
      // ready once every connector has finished a sync (a failed one still leaves stored data to serve)
      const ready = connectors.every((c) => c.lastSync?.finishedAt);
      readiness = { at: Date.now(), status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'starting', database: 'ok', connectors } };
    } catch (err) {
      services.log.warn({ err }, 'readiness check failed');
      readiness = { at: Date.now(), status: 503, body: { status: 'unavailable', database: 'unreachable' } };
    }
    res.status(readiness.status).json(readiness.body);
  });

  app.use(ideAssets());
  app.use(consoleRouter());
  app.get('/graphql', (req, res, next) => {
    // a browser asking for HTML gets the IDE; GraphQL-over-GET requests go on to Apollo
    if (req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html' && !req.query.query) {
      const nonce = cspNonce();
      setHtmlSecurityHeaders(res, graphiqlCsp(nonce));
      res.type('html').send(graphiqlPage('/graphql', nonce));
      return;
    }
    next();
  });

  // sign-in, session and sign-out read the cookie themselves (and limit attempts per IP and username)
  app.use(
    sessionRouter({
      ds: services.ds,
      config: cfg,
      sessions,
      demo: isDemoMode(cfg),
      anonymous,
      loginPerIp,
      loginPerUser,
      log: services.log,
    }),
  );

  // everything below is authenticated and rate-limited per client: mount routes here
  app.use(authMiddleware(auth, anonymous));
  app.use(rateLimitMiddleware(limiter));
  // Prometheus scrapes with an admin API key or token (metrics name sources and volumes)
  app.get('/metrics', (req, res) => {
    if (!callerOfRequest(req)?.roles.includes('admin')) {
      res.status(403).json({ errors: [{ message: 'metrics need the admin role', extensions: { code: 'FORBIDDEN' } }] });
      return;
    }
    void observability.metricsHandler(req, res);
  });
  app.use(jointPunishmentRouter(schema, contextFor));
  app.use(enterpriseExportRouter(services, callerOfRequest));
  app.use(
    '/graphql',
    express.json({ limit: MAX_BODY }),
    ...(trusted ? [trustedDocumentsMiddleware(trusted)] : []),
    expressMiddleware(apollo, {
      context: ({ req }) => contextFor(req),
    }),
  );
  // /api answers JSON only: unknown paths 404, errors (malformed bodies included) in the REST error shape
  app.use('/api', apiNotFound);
  app.use('/api', apiErrorHandler(services.log));
  app.use(bodyErrorHandler);

  return {
    app,
    services,
    httpServer,
    listen: (port, host = '0.0.0.0') =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const addr = httpServer.address();
          const p = typeof addr === 'object' && addr ? addr.port : port;
          resolve(`http://${host === '0.0.0.0' ? 'localhost' : host}:${p}`);
        });
      }),
    close: async () => {
      await apollo.stop();
      await limiter.close();
      await keyed.close();
      if (httpServer.listening) await new Promise<void>((r) => httpServer.close(() => r()));
    },
  };
}
