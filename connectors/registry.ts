/**
 * Loads the department sources named in connectors.json (or CONNECTORS_CONFIG). Adding a source
 * means adding a folder and a line in that file; no core code changes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConnectorOptions, DepartmentSource } from './types.js';

export interface SourceConfig {
  id: string;
  module: string;
  enabled: boolean;
  options: ConnectorOptions;
}

const here = path.dirname(fileURLToPath(import.meta.url));

export function readSourceConfigs(configPath = process.env.CONNECTORS_CONFIG ?? path.join(here, 'connectors.json')): SourceConfig[] {
  const parsed = JSON.parse(fs.readFileSync(configPath, 'utf8')) as { sources?: unknown };
  if (!Array.isArray(parsed.sources)) throw new Error(`${configPath}: "sources" must be an array`);
  const base = path.dirname(configPath);
  return parsed.sources.map((s: Partial<SourceConfig>, i: number) => {
    if (typeof s.id !== 'string' || typeof s.module !== 'string') {
      throw new Error(`${configPath}: sources[${i}] needs a string "id" and "module"`);
    }
    return {
      id: s.id,
      module: path.resolve(base, s.module),
      enabled: s.enabled !== false,
      options: { timeoutMs: 5000, ...(s.options ?? {}) },
    };
  });
}

export interface LoadedSource {
  config: SourceConfig;
  source: DepartmentSource;
}

/** The enabled department sources, in configuration order. */
export async function loadSources(configs = readSourceConfigs()): Promise<LoadedSource[]> {
  const out: LoadedSource[] = [];
  for (const config of configs.filter((c) => c.enabled)) {
    const mod = (await import(pathToFileURL(config.module).href)) as { default?: DepartmentSource };
    if (!mod.default || typeof mod.default.createConnector !== 'function') {
      throw new Error(`${config.module}: default export must be a DepartmentSource`);
    }
    if (mod.default.id !== config.id) {
      throw new Error(`${config.module}: its id '${mod.default.id}' differs from the configured '${config.id}'`);
    }
    out.push({ config, source: mod.default });
  }
  return out;
}
