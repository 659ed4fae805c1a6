/**
 * Configuration, parsed once from the environment (every error reported together). Nothing else
 * reads process.env for settings.
 */
import path from 'node:path';
import { z } from 'zod';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  /** hub database; absent → embedded PostgreSQL under HUB_DATA_DIR/pg */
  DATABASE_URL: z.url().optional(),
  /** the simulated department systems' database; absent → `departments` on the hub's server */
  DEPARTMENTS_DATABASE_URL: z.url().optional(),
  HUB_DATA_DIR: z.string().default('.data'),
  /** base64 of 32 bytes; absent (demo) → generated once into HUB_DATA_DIR/pii.key */
  HUB_PII_KEY: z.string().optional(),
  /** start the department simulators in-process (demo); false when connectors point at real systems */
  HUB_SIMULATORS: z.enum(['true', 'false']).default('true'),
  /** generate demo data when the department systems are empty */
  HUB_DEMO_ENTERPRISES: z.coerce.number().int().min(0).default(5000),
  HUB_DEMO_SEED: z.coerce.number().int().default(20261101),
  /** minutes between scheduled syncs; 0 = only at start and on demand */
  HUB_SYNC_INTERVAL_MINUTES: z.coerce.number().min(0).default(15),
  /** records stored per sync transaction (source pages are grouped up to it) */
  HUB_SYNC_BATCH_RECORDS: z.coerce.number().int().min(1).default(2000),
  /** worker threads storing a large sync's batches (default: one per core, at most 4); 0 = in the main thread */
  HUB_SYNC_STORE_WORKERS: z.coerce.number().int().min(0).max(16).optional(),
  HUB_MAX_PAGE_SIZE: z.coerce.number().int().min(1).default(500),
  /** analytics (issue 6): deepest `where` nesting, most conditions in one `where`, statement timeout of analytic queries */
  HUB_WHERE_MAX_DEPTH: z.coerce.number().int().min(1).default(6),
  HUB_WHERE_MAX_CONDITIONS: z.coerce.number().int().min(1).default(64),
  HUB_ANALYTICS_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  /** analytic statements running at once per process (the rest of the pool stays for checks and profiles), and how many may wait */
  HUB_ANALYTICS_MAX_CONCURRENT: z.coerce.number().int().min(1).default(6),
  HUB_ANALYTICS_QUEUE: z.coerce.number().int().min(0).default(24),
  /** rows an export may stream; key-supervision list length */
  HUB_EXPORT_MAX_ROWS: z.coerce.number().int().min(1).default(1_000_000),
  HUB_KEY_SUPERVISION_MAX: z.coerce.number().int().min(1).default(500),
  /** joint-punishment check: a department's data older than this is reported stale */
  HUB_CHECK_MAX_DATA_AGE_HOURS: z.coerce.number().min(0).default(24),
  /** fail closed: stale data turns PASS into RESTRICT */
  HUB_CHECK_FAIL_CLOSED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** HS256 secret for bearer tokens; absent (demo) → generated into HUB_DATA_DIR/jwt.secret */
  HUB_JWT_SECRET: z.string().min(16).optional(),
  /** RS256/ES256: a PEM public key file, or a JWKS file */
  HUB_JWT_PUBLIC_KEY_FILE: z.string().optional(),
  HUB_JWT_PUBLIC_KEY_ALG: z.enum(['RS256', 'ES256']).default('RS256'),
  HUB_JWKS_FILE: z.string().optional(),
  /** expected `iss` / `aud` claims of bearer tokens (checked when set) */
  HUB_JWT_ISSUER: z.string().optional(),
  HUB_JWT_AUDIENCE: z.string().optional(),
  /** rate limit per client (token subject / API key): `HUB_RATE_LIMIT_POINTS` requests per `HUB_RATE_LIMIT_WINDOW_S`, plus a burst allowance per ten windows; 0 points = off */
  HUB_RATE_LIMIT_POINTS: z.coerce.number().int().min(0).default(600),
  HUB_RATE_LIMIT_WINDOW_S: z.coerce.number().int().min(1).default(60),
  HUB_RATE_LIMIT_BURST: z.coerce.number().int().min(0).default(300),
  /** Redis shared by hub replicas for rate limits; absent → in memory (one replica) */
  REDIS_URL: z.url().optional(),
  /** trusted documents mode: a manifest (JSON, sha256 → operation) of the only operations accepted */
  HUB_TRUSTED_DOCUMENTS: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type HubConfig = z.infer<typeof schema> & { dataDir: string };

/** Every environment variable this module reads (the README's configuration table lists each; tests/readme.test.ts checks). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.HUB_DATA_DIR) };
}
