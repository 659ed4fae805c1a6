/**
 * A generated world in the department sources' simulators (their own throwaway database and folder),
 * with the simulators running and the resilient connectors built over them, as the hub builds them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSources, readSourceConfigs } from '../../connectors/registry.js';
import { startSources, type RunningSources, type StartSourcesOptions } from '../../connectors/runtime.js';
import type { SimulatorEnv } from '../../connectors/types.js';
import { generateInto, type GenerateOptions } from '../../src/generator/generate.js';
import { createTestDatabase } from './db.js';

export interface SourcesWorld {
  env: SimulatorEnv;
  running: RunningSources;
  /** closes the sources and drops their database and folder */
  close(): Promise<void>;
}

export async function startSourcesWorld(o: {
  prefix: string;
  world: GenerateOptions;
  log: StartSourcesOptions['log'];
  /** only these sources (the others are not even imported); default all */
  only?: readonly string[];
  start?: Pick<StartSourcesOptions, 'timeoutMs' | 'extraOptions'>;
}): Promise<SourcesWorld> {
  const depts = await createTestDatabase(`${o.prefix}dep`);
  const env: SimulatorEnv = {
    departmentsDatabaseUrl: depts.url,
    dataDir: mkdtempSync(path.join(tmpdir(), `${o.prefix}-`)),
    port: 0,
    host: '127.0.0.1',
  };
  let running: RunningSources | undefined;
  const close = async () => {
    await running?.close();
    await depts.drop();
    rmSync(env.dataDir, { recursive: true, force: true });
  };
  try {
    const loaded = await loadSources(o.only ? readSourceConfigs().filter((c) => o.only!.includes(c.id)) : undefined);
    await generateInto(
      env,
      o.world,
      loaded.map((l) => l.source),
    );
    running = await startSources({ simulators: true, env, log: o.log, loaded, ...o.start });
    return { env, running, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
