/**
 * One PostgreSQL server for the whole test run: TEST_PG_URL (an admin URL) when given, else a real
 * embedded PostgreSQL under .data/test-pg. Each test file then creates its own databases on it.
 */
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/store/embedded.js';

let server: EmbeddedServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  let adminUrl = process.env.TEST_PG_URL;
  if (!adminUrl) {
    server = await startEmbeddedPostgres('.data/test-pg', 54339);
    adminUrl = server.adminUrl;
  }
  project.provide('pgAdminUrl', adminUrl);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}
