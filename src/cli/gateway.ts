/**
 * `npm run gateway`: the federated gateway in front of the hub (a running `npm start`, at
 * HUB_GATEWAY_HUB_URL) and the fire service's GraphQL subgraph (HUB_GATEWAY_FIRE_GRAPHQL_URL; in demo
 * mode, without it, the subgraph's simulator is started here over the demo world).
 */
import { FIRE_GRAPHQL, fireGraphqlTypeDefs, startFireGraphql } from '../../connectors/fire-graphql/simulator.js';
import { loadConfig } from '../config.js';
import { startGateway } from '../gateway/gateway.js';
import { createLogger } from '../server/log.js';
import { hubSubgraphSdl } from '../server/subgraph.js';

const cfg = loadConfig();
const log = createLogger(cfg.LOG_LEVEL, 'gateway');
const closers: (() => Promise<void>)[] = [];

let fireUrl = cfg.HUB_GATEWAY_FIRE_GRAPHQL_URL;
if (!fireUrl) {
  if (cfg.HUB_SIMULATORS !== 'true') {
    log.fatal('HUB_GATEWAY_FIRE_GRAPHQL_URL is required when HUB_SIMULATORS=false');
    process.exit(2);
  }
  const sim = await startFireGraphql({ enterprises: cfg.HUB_DEMO_ENTERPRISES, seed: cfg.HUB_DEMO_SEED, port: 0, host: '127.0.0.1' });
  closers.push(sim.close);
  fireUrl = sim.url;
  log.info({ url: fireUrl }, 'fire-service GraphQL subgraph simulator started');
}
const hubUrl = cfg.HUB_GATEWAY_HUB_URL ?? `http://127.0.0.1:${cfg.PORT}/graphql`;
const gateway = await startGateway({
  subgraphs: [
    { name: 'hub', url: hubUrl, typeDefs: hubSubgraphSdl(), forwardCaller: true },
    { name: FIRE_GRAPHQL, url: fireUrl, typeDefs: fireGraphqlTypeDefs(), forwardCaller: false },
  ],
  port: cfg.HUB_GATEWAY_PORT,
  host: cfg.HOST,
  timeoutMs: cfg.HUB_GATEWAY_TIMEOUT_MS,
  introspection: cfg.NODE_ENV !== 'production',
  log,
});
closers.unshift(gateway.close);
log.info({ url: `${gateway.url}/graphql`, hub: hubUrl, [FIRE_GRAPHQL]: fireUrl, hints: gateway.hints }, 'gateway listening');

async function shutdown(signal: string): Promise<void> {
  log.info({ signal }, 'gateway stopping');
  for (const c of closers) await c().catch(() => undefined);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
