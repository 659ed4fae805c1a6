/** A bench scenario: one GraphQL request, replayed by autocannon against the running hub. */
export interface BenchWorld {
  /** base URL of the hub (http://127.0.0.1:port) */
  url: string;
  /** a few credit codes of enterprises that hold records in all five departments */
  richEnterprises: string[];
}

export interface Scenario {
  name: string;
  description: string;
  /** the request body; checked once before the load (must answer without errors) */
  body(world: BenchWorld): { query: string; variables?: Record<string, unknown> };
  /** name of the scenario this one is compared with (ratio of requests per second) */
  baseline?: string;
}
