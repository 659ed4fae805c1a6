/** A bench scenario: one GraphQL request (or a few, cycled), replayed by autocannon against the running hub. */
import type { ScenarioIndex } from '../../src/generator/planted.js';

export interface BenchWorld {
  /** base URL of the hub (http://127.0.0.1:port) */
  url: string;
  /** a few credit codes of enterprises that hold records in all five departments */
  richEnterprises: string[];
  /** the generator's index of planted cases (blacklisted, banned, revoked… enterprises and persons) */
  scenarios?: ScenarioIndex;
  /** up to 2,000 stored enterprises' credit codes, for scenarios that vary their subject */
  sampleEnterprises?: string[];
  /** a project grown to 50 contracts (issue 5) */
  bigProject?: { projectCode: string; contracts: number };
}

export interface Scenario {
  name: string;
  description: string;
  /** the request body; checked once before the load (must answer without errors unless `expect` is 'refused') */
  body(world: BenchWorld): { query: string; variables?: Record<string, unknown> } | string;
  /** several bodies, each request taking the next (e.g. varying subjects); `body` is the one checked first */
  bodies?(world: BenchWorld): ({ query: string; variables?: Record<string, unknown> } | string)[];
  /** name of the scenario this one is compared with (ratio of requests per second and of latency) */
  baseline?: string;
  /** 'refused': the hub must refuse the request (4xx or errors); the figure is how cheaply it does */
  expect?: 'ok' | 'refused';
  /** concurrent connections (default: the run's, 32) — e.g. 1 for a batch measured as one caller */
  connections?: number;
  /** section of the report (default 'HTTP') */
  group?: string;
  /** the server the load goes to: the hub (default), PostGraphile over the hub's store (bench/postgraphile.ts), or the federated gateway in front of the hub */
  server?: 'hub' | 'postgraphile' | 'gateway';
}
