/**
 * The federated gateway: Apollo Gateway over a supergraph composed at start (by @apollo/composition)
 * from the hub's subgraph SDL and each department subgraph's, so it starts without asking any subgraph
 * (the hub serves no `_service` in production) and a department that is down costs only its fields.
 *
 * Who the caller is travels to the hub with every subgraph request: the caller's Authorization,
 * X-Api-Key, X-Purpose and X-Request-Id are forwarded, so the hub authenticates the caller and applies
 * its access policy, masking and audit to `_entities` as to any query. The gateway itself holds no
 * credentials and decides nothing about access.
 *
 * A subgraph that does not answer (refused, timed out) leaves its fields null with a SOURCE_UNAVAILABLE
 * error naming the `source`, as the hub reports a department that fails a live read; the rest of the
 * answer stands.
 */
import http from 'node:http';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginSchemaReportingDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, parse } from 'graphql';
import type { Logger } from 'pino';
import { PARSE_OPTIONS, queryArmor, queryCostPlugin } from '../security/query-limits.js';
import { useRequestErrorStatus } from '../server/plugins/request-error-status.js';

export interface SubgraphSpec {
  /** the subgraph's name in the supergraph (errors name it as `source`) */
  name: string;
  /** its GraphQL endpoint */
  url: string;
  /** its SDL (the hub's schema files, or the department's published schema) */
  typeDefs: string;
  /** forward the caller's credentials (the hub); a department system is not sent them */
  forwardCaller: boolean;
}

/** The headers that say who asks and why: forwarded to the hub subgraph as the caller sent them. */
const CALLER_HEADERS = ['authorization', 'x-api-key', 'x-purpose', 'x-request-id'] as const;

export interface GatewayContext {
  caller: Partial<Record<(typeof CALLER_HEADERS)[number], string>>;
}

/** Composes the supergraph; throws listing every composition error. Hints (e.g. differing descriptions) are returned. */
export function composeSupergraph(subgraphs: readonly SubgraphSpec[]): { supergraphSdl: string; hints: string[] } {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.typeDefs) })));
  if (result.errors) throw new Error(`supergraph composition failed:\n${result.errors.map((e) => `  ${e.message}`).join('\n')}`);
  return { supergraphSdl: result.supergraphSdl, hints: result.hints.map((h) => h.toString()) };
}

class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly spec: SubgraphSpec,
    private readonly timeoutMs: number,
  ) {
    super({ url: spec.url });
    // the platform fetch with a deadline: a subgraph that hangs fails like one that is down
    this.fetcher = ((url: string, init: RequestInit) =>
      fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) })) as unknown as typeof this.fetcher;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!this.spec.forwardCaller || !context?.caller) return;
    for (const h of CALLER_HEADERS) {
      const v = context.caller[h];
      if (v) request.http?.headers.set(h, v);
    }
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    try {
      return await super.process(options);
    } catch (err) {
      // an HTTP refusal (401, 403, 429…) passes as the subgraph worded it (code, messageZh, retryAfterSeconds),
      // named, and without the subgraph's address and raw body the data source attaches
      if (err instanceof GraphQLError) {
        const { response, ...rest } = err.extensions as { response?: { status?: number; body?: unknown }; code?: unknown };
        const said = (response?.body as { errors?: { message?: string; extensions?: Record<string, unknown> }[] } | undefined)?.errors?.[0];
        throw new GraphQLError(said?.message ?? err.message, {
          extensions: {
            ...rest,
            ...said?.extensions,
            code: said?.extensions?.code ?? rest.code ?? 'SOURCE_UNAVAILABLE',
            source: this.spec.name,
            status: response?.status,
          },
        });
      }
      const timedOut = (err as { name?: string }).name === 'TimeoutError' || (err as { name?: string }).name === 'AbortError';
      const reason = timedOut ? 'TIMEOUT' : 'UNAVAILABLE';
      // where the entities sit in the answer: the planner's path up to its first '@' (every item of a list)
      const planned = ('pathInIncomingRequest' in options ? options.pathInIncomingRequest : undefined) ?? [];
      const path = planned.includes('@') ? planned.slice(0, planned.indexOf('@')) : planned;
      throw new GraphQLError(`${this.spec.name} did not answer (${reason}): its fields are null in this answer`, {
        path: path.length ? path : undefined,
        extensions: { code: 'SOURCE_UNAVAILABLE', source: this.spec.name, reason },
      });
    }
  }
}

export interface RunningGateway {
  /** base address; GraphQL at /graphql */
  url: string;
  hints: string[];
  close(): Promise<void>;
}

export async function startGateway(o: {
  subgraphs: readonly SubgraphSpec[];
  port: number;
  host: string;
  timeoutMs: number;
  log: Logger;
  introspection: boolean;
}): Promise<RunningGateway> {
  // Apollo Gateway otherwise reports usage metrics to Apollo's cloud and probes cloud metadata services
  // (AWS, GCP, Azure, Alibaba) at construction: a supervision platform's gateway calls no one but its subgraphs
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const { supergraphSdl, hints } = composeSupergraph(o.subgraphs);
  const byName = new Map(o.subgraphs.map((s) => [s.name, s]));
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => new SubgraphSource(byName.get(name)!, o.timeoutMs),
    logger: o.log,
  });
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  // the hub's query limits here too: a query over them is refused before it is planned and split over subgraphs
  const armor = queryArmor(!o.introspection);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: o.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    validationRules: armor.validationRules,
    parseOptions: PARSE_OPTIONS,
    // nor do its operations go to Apollo's cloud should an APOLLO_KEY be in the environment
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      queryCostPlugin<GatewayContext>(),
      useRequestErrorStatus<GatewayContext>(),
      ...(armor.plugins as ApolloServerPlugin<GatewayContext>[]),
    ],
  });
  await apollo.start();
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const caller: GatewayContext['caller'] = Object.fromEntries(
          CALLER_HEADERS.flatMap((h) => (typeof req.headers[h] === 'string' ? [[h, req.headers[h]]] : [])),
        );
        // no credentials at all: 401 here, as the hub would answer (it still verifies whatever is sent)
        if (!caller.authorization && !caller['x-api-key']) {
          throw new GraphQLError('authentication required', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        }
        return { caller };
      },
    }),
  );
  await new Promise<void>((resolve) => httpServer.listen(o.port, o.host, resolve));
  const addr = httpServer.address() as { port: number };
  const host = o.host === '0.0.0.0' ? '127.0.0.1' : o.host;
  return {
    url: `http://${host}:${addr.port}`,
    hints,
    close: () => apollo.stop(),
  };
}
