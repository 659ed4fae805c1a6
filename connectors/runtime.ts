/**
 * The department sources at run time, built in one place for the hub, `npm run sync`, the tests and
 * the bench: the configured sources, their simulators when the demo runs them in-process, and each
 * connector wrapped with its resilience policies.
 */
import { loadSources, type LoadedSource } from './registry.js';
import { withResilience, type ResilientConnector } from './resilience.js';
import type { ConnectorDeps, DepartmentSource, RunningSimulator, SimulatorEnv } from './types.js';

export interface SourceSettings {
  title: string;
  timeoutMs: number;
}

export interface RunningSources {
  sources: Map<string, DepartmentSource>;
  connectors: Map<string, ResilientConnector>;
  simulators: Map<string, RunningSimulator>;
  settings: Map<string, SourceSettings>;
  close(): Promise<void>;
}

export interface StartSourcesOptions {
  /** start each source's simulator in-process and point its connector at it */
  simulators: boolean;
  env: SimulatorEnv;
  log: ConnectorDeps['log'] & { child?(o: object): ConnectorDeps['log'] };
  /** overrides every source's configured timeout (tests) */
  timeoutMs?: number;
  /** only these source ids (unknown ids are an error naming the known ones) */
  only?: readonly string[];
  /** merged into every source's options (tests: resilience settings) */
  extraOptions?: Record<string, unknown>;
  loaded?: LoadedSource[];
}

export async function startSources(o: StartSourcesOptions): Promise<RunningSources> {
  let loaded = o.loaded ?? (await loadSources());
  if (o.only?.length) {
    const unknown = o.only.filter((id) => !loaded.some((l) => l.source.id === id));
    if (unknown.length)
      throw new Error(
        `unknown source ${unknown.map((u) => `'${u}'`).join(', ')}; configured: ${loaded.map((l) => l.source.id).join(', ')}`,
      );
    loaded = loaded.filter((l) => o.only!.includes(l.source.id));
  }
  const out: RunningSources = {
    sources: new Map(loaded.map((l) => [l.source.id, l.source])),
    connectors: new Map(),
    simulators: new Map(),
    settings: new Map(),
    async close() {
      for (const c of out.connectors.values()) await c.close().catch(() => undefined);
      for (const s of out.simulators.values()) await s.close().catch(() => undefined);
    },
  };
  try {
    for (const { source, config } of loaded) {
      const timeoutMs = o.timeoutMs ?? config.options.timeoutMs;
      let options: Record<string, unknown> = { ...config.options, ...o.extraOptions, timeoutMs };
      if (o.simulators) {
        const sim = await source.simulator.start(o.env);
        out.simulators.set(source.id, sim);
        options = { ...options, ...sim.connectorOptions, timeoutMs };
      }
      const log = o.log.child?.({ source: source.id }) ?? o.log;
      out.connectors.set(source.id, withResilience(source.createConnector({ ...options, timeoutMs }, { log }), options));
      out.settings.set(source.id, { title: source.title, timeoutMs });
    }
  } catch (err) {
    await out.close();
    throw err;
  }
  return out;
}
