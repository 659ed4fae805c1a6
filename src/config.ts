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
  /** the audit log's chain head is anchored here after every audit write (append-only file, one signed line each) */
  HUB_AUDIT_ANCHOR_FILE: z.string().optional(),
  /** base64 of ≥ 32 bytes: the HMAC key of the anchors; absent → generated into HUB_DATA_DIR/audit-anchor.key */
  HUB_AUDIT_ANCHOR_KEY: z.string().optional(),
  /** the lawful purposes a client may state in X-Purpose (JSON array of { code, zh }); absent → src/security/purposes.json */
  HUB_PURPOSES_FILE: z.string().optional(),
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
  HUB_CHECK_FAIL_CLOSED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** HS256 secret for bearer tokens; absent (demo) → generated into HUB_DATA_DIR/jwt.secret */
  HUB_JWT_SECRET: z.string().min(16).optional(),
  /** RS256/ES256: a PEM public key file, or a JWKS file */
  HUB_JWT_PUBLIC_KEY_FILE: z.string().optional(),
  HUB_JWT_PUBLIC_KEY_ALG: z.enum(['RS256', 'ES256']).default('RS256'),
  HUB_JWKS_FILE: z.string().optional(),
  /** expected `iss` / `aud` claims of bearer tokens (checked when set; both required in production) */
  HUB_JWT_ISSUER: z.string().optional(),
  HUB_JWT_AUDIENCE: z.string().optional(),
  /** longest lifetime a bearer token may have (exp - iat, or exp - now without iat); `npm run token` refuses longer */
  HUB_JWT_MAX_LIFETIME_HOURS: z.coerce.number().positive().default(24),
  /** console sign-in sessions: signed out after this many idle minutes, and at the latest this many hours after sign-in */
  HUB_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(30),
  HUB_SESSION_MAX_HOURS: z.coerce.number().positive().default(12),
  /** sign-in attempts: per client IP (every attempt) and per username (failed attempts) within HUB_LOGIN_WINDOW_MINUTES */
  HUB_LOGIN_MAX_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).default(30),
  HUB_LOGIN_MAX_FAILURES_PER_USER: z.coerce.number().int().min(1).default(5),
  HUB_LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
  /** rate limit per client (token subject / API key): `HUB_RATE_LIMIT_POINTS` requests per `HUB_RATE_LIMIT_WINDOW_S`, plus a burst allowance per ten windows; 0 points = off */
  HUB_RATE_LIMIT_POINTS: z.coerce.number().int().min(0).default(600),
  HUB_RATE_LIMIT_WINDOW_S: z.coerce.number().int().min(1).default(60),
  HUB_RATE_LIMIT_BURST: z.coerce.number().int().min(0).default(300),
  /** unauthenticated requests (failed authentication, sign-in) per client IP per `HUB_RATE_LIMIT_WINDOW_S`; 0 = off */
  HUB_RATE_LIMIT_ANON_POINTS: z.coerce.number().int().min(0).default(60),
  /** Express 'trust proxy' behind a reverse proxy (true, a hop count, or addresses like 'loopback, 10.0.0.0/8'): per-IP limits then count X-Forwarded-For's client */
  HUB_TRUST_PROXY: z.string().optional(),
  /** Redis shared by hub replicas for rate limits; absent → in memory (one replica) */
  REDIS_URL: z.url().optional(),
  /** trusted documents mode: a manifest (JSON, sha256 → operation) of the only operations accepted */
  HUB_TRUSTED_DOCUMENTS: z.string().optional(),
  /** the federated gateway (`npm run gateway`, src/gateway/): its port, the hub subgraph it forwards callers to, the fire service's GraphQL subgraph, and the deadline of one subgraph request */
  HUB_GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(4100),
  HUB_GATEWAY_HUB_URL: z.url().optional(),
  HUB_GATEWAY_FIRE_GRAPHQL_URL: z.url().optional(),
  HUB_GATEWAY_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type HubConfig = z.infer<typeof schema> & { dataDir: string };

/** Every environment variable this module reads (the README's configuration table lists each; tests/readme.test.ts checks). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

/**
 * What production mode (NODE_ENV=production) needs and this configuration lacks: token keys, the expected
 * issuer and audience of tokens, and the PII key (a generated demo key would make stored data unreadable
 * elsewhere and is no key management). Empty outside production.
 */
export function missingForProduction(cfg: HubConfig): string[] {
  if (cfg.NODE_ENV !== 'production') return [];
  const missing: string[] = [];
  if (!cfg.HUB_JWT_SECRET && !cfg.HUB_JWT_PUBLIC_KEY_FILE && !cfg.HUB_JWKS_FILE)
    missing.push('token keys: HUB_JWT_SECRET, HUB_JWT_PUBLIC_KEY_FILE or HUB_JWKS_FILE');
  if (!cfg.HUB_JWT_ISSUER) missing.push('HUB_JWT_ISSUER (expected iss of tokens)');
  if (!cfg.HUB_JWT_AUDIENCE) missing.push('HUB_JWT_AUDIENCE (expected aud of tokens)');
  if (!cfg.HUB_PII_KEY) missing.push('HUB_PII_KEY (base64 of 32 bytes; the key of personal information at rest)');
  return missing;
}

/** Throws one error listing everything production mode lacks. */
export function assertProductionReady(cfg: HubConfig): void {
  const missing = missingForProduction(cfg);
  if (missing.length)
    throw new Error(`production mode (NODE_ENV=production) refuses to start; set:\n${missing.map((m) => `  - ${m}`).join('\n')}`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.HUB_DATA_DIR) };
}
