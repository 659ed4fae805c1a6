/**
 * The department registry: the one place a department package is named (an import and a list entry), in display order.
 * Core derives every department list from it (the Department values, the merged schema, section types, print
 * labels, roles, record prefixes, the sources to load); adding a department is its folder and its two lines here
 * (README "Adding a department"); the console gets the same as data (console/src/generated/departments.ts). Also loads the sources: by default every registered package's, from its
 * folder's index.ts; a deployment may name its own list and options in a JSON file (CONNECTORS_CONFIG).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DepartmentPackage } from './kit/department.js';
import type { ConnectorOptions, DepartmentSource } from './types.js';
import emergency from './emergency/department.js';
import fire from './fire/department.js';
import housing from './housing/department.js';
import market from './market/department.js';
import naturalResources from './natural-resources/department.js';
import transport from './transport/department.js';

// one department per line, so that adding one is one line here (prettier would join them)
// prettier-ignore
export const DEPARTMENT_PACKAGES: readonly DepartmentPackage[] = [
  market,
  housing,
  emergency,
  transport,
  fire,
  naturalResources,
];

/** The Department codes, in registry order. */
export const DEPARTMENT_CODES: readonly string[] = DEPARTMENT_PACKAGES.map((d) => d.code);

export const isDepartment = (code: string): boolean => DEPARTMENT_CODES.includes(code);

const byCode = new Map(DEPARTMENT_PACKAGES.map((d) => [d.code, d]));
/** The package of a Department code; throws on a code no package registers. */
export function departmentPackage(code: string): DepartmentPackage {
  const d = byCode.get(code);
  if (!d) throw new Error(`unknown department '${code}'; registered: ${DEPARTMENT_CODES.join(', ')}`);
  return d;
}

/** code → value, for every registered department (print labels, record prefixes, section types…). */
export const departmentTable = <T>(pick: (d: DepartmentPackage) => T): Record<string, T> =>
  Object.fromEntries(DEPARTMENT_PACKAGES.map((d) => [d.code, pick(d)]));

/** Labels of the credential / list kinds the packages add, merged over core's own. */
export const packageLabels = (which: 'credentialKinds' | 'listKinds'): Record<string, string> =>
  Object.assign({}, ...DEPARTMENT_PACKAGES.map((d) => d[which] ?? {}));

// Loading the sources
const here = () => path.dirname(fileURLToPath(import.meta.url));

export interface SourceConfig {
  id: string;
  module: string;
  enabled: boolean;
  options: ConnectorOptions;
}

const DEFAULT_OPTIONS: ConnectorOptions = { timeoutMs: 5000 };

/** Every registered department's source, enabled, with the default options. */
export const registeredSourceConfigs = (): SourceConfig[] =>
  DEPARTMENT_PACKAGES.map((d) => ({
    id: d.id,
    module: path.join(here(), d.id, 'index.ts'),
    enabled: true,
    options: { ...DEFAULT_OPTIONS },
  }));

/**
 * The sources to load: CONNECTORS_CONFIG's file when set (`{ "sources": [{ "id", "module", "enabled", "options" }] }`,
 * module relative to the file), else every registered department.
 */
export function readSourceConfigs(configPath = process.env.CONNECTORS_CONFIG): SourceConfig[] {
  if (!configPath) return registeredSourceConfigs();
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
      options: { ...DEFAULT_OPTIONS, ...(s.options ?? {}) },
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
    if (!isDepartment(mod.default.department)) {
      throw new Error(`${config.module}: its department '${mod.default.department}' is not registered (${DEPARTMENT_CODES.join(', ')})`);
    }
    out.push({ config, source: mod.default });
  }
  return out;
}
