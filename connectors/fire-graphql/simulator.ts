/**
 * The fire service's assessment system as a GraphQL service: an Apollo Federation 2 subgraph (its own
 * schema, schema.graphql) extending the hub's Enterprise. A stand-in for a department that runs GraphQL
 * itself: the hub does not sync it, the gateway asks it during the request (src/gateway/).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import express from 'express';
import { parse } from 'graphql';
import { fireAssessments, type FireAssessment, type WorldOptions } from './data.js';

/** The subgraph's name in the supergraph. */
export const FIRE_GRAPHQL = 'fire-graphql';

/** The schema this department publishes (composition reads the same file). */
export const fireGraphqlTypeDefs = (): string =>
  fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'schema.graphql'), 'utf8');

export interface RunningFireGraphql {
  url: string;
  assessments: Map<string, FireAssessment>;
  close(): Promise<void>;
}

export async function startFireGraphql(o: WorldOptions & { port: number; host: string }): Promise<RunningFireGraphql> {
  const assessments = fireAssessments(o);
  const schema = buildSubgraphSchema({
    typeDefs: parse(fireGraphqlTypeDefs()),
    resolvers: {
      Enterprise: {
        __resolveReference: (ref: { creditCode: string }) => ({ creditCode: ref.creditCode }),
        fireSafetyAssessment: (e: { creditCode: string }) => assessments.get(e.creditCode) ?? null,
      },
      FireSafetyAssessment: {
        premisesOwner: (a: FireAssessment) => (a.premisesOwner ? { creditCode: a.premisesOwner } : null),
      },
    },
  } as Parameters<typeof buildSubgraphSchema>[0]);
  const app = express();
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer({
    schema,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();
  app.use('/graphql', express.json({ limit: '1mb' }), expressMiddleware(apollo));
  await new Promise<void>((resolve) => httpServer.listen(o.port, o.host, resolve));
  const { port } = httpServer.address() as { port: number };
  return { url: `http://${o.host === '0.0.0.0' ? '127.0.0.1' : o.host}:${port}/graphql`, assessments, close: () => apollo.stop() };
}
