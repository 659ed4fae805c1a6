/**
 * Opens the hub database for command-line tools: DATABASE_URL, or the embedded server under the
 * data folder (started if needed), with migrations applied.
 */
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { loadConfig, type HubConfig } from '../config.js';
import { createHubDataSource, ensureDatabase, openStore } from '../store/data-source.js';
import { startEmbeddedPostgres } from '../store/embedded.js';

export interface HubDatabase {
  cfg: HubConfig;
  ds: DataSource;
  hubUrl: string;
  /** the department systems' database (simulators) */
  departmentsUrl: string;
  close(): Promise<void>;
}

/** `readOnly`: no migrations, no department database created (audit:verify beside a running hub changes nothing). */
export async function openHubDatabase(cfg = loadConfig(), opts: { readOnly?: boolean } = {}): Promise<HubDatabase> {
  let stopEmbedded: (() => Promise<void>) | null = null;
  let hubUrl = cfg.DATABASE_URL;
  let departmentsUrl = cfg.DEPARTMENTS_DATABASE_URL;
  if (!hubUrl) {
    const server = await startEmbeddedPostgres(path.join(cfg.dataDir, 'pg'));
    stopEmbedded = () => server.stop();
    hubUrl = await ensureDatabase(server.adminUrl, 'hub');
  }
  if (opts.readOnly) {
    const ds = createHubDataSource(hubUrl, { poolSize: 2, applicationName: 'hub-audit-verify' });
    await ds.initialize();
    return {
      cfg,
      ds,
      hubUrl,
      departmentsUrl: departmentsUrl ?? '',
      close: async () => {
        await ds.destroy();
        await stopEmbedded?.();
      },
    };
  }
  departmentsUrl ??= await ensureDatabase(hubUrl, 'departments');
  const ds = await openStore(hubUrl);
  return {
    cfg,
    ds,
    hubUrl,
    departmentsUrl,
    close: async () => {
      await ds.destroy();
      await stopEmbedded?.();
    },
  };
}
