/**
 * `npm run token -- --role ROLE [--role ROLE2] [--department DEPT] [--office OFFICE] [--name 姓名] [--ttl 1h] [--subject ID]`
 * Issues an HS256 token for local use, signed with HUB_JWT_SECRET or the demo secret in the data folder.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { CALLER_DEPARTMENTS, ROLES, isRole } from '../security/roles.js';
import { issueToken, loadOrCreateSecret, ttlSeconds } from '../security/tokens.js';

const { values } = parseArgs({
  options: {
    role: { type: 'string', multiple: true },
    department: { type: 'string' },
    ttl: { type: 'string', default: '1h' },
    subject: { type: 'string' },
    office: { type: 'string' },
    name: { type: 'string' },
  },
});
const roles = values.role ?? [];
const bad = roles.filter((r) => !isRole(r));
if (roles.length === 0 || bad.length) {
  console.error(`--role must be one of ${ROLES.join(', ')}${bad.length ? ` (not: ${bad.join(', ')})` : ''}`);
  process.exit(2);
}
if (values.department && !(CALLER_DEPARTMENTS as readonly string[]).includes(values.department)) {
  console.error(`--department must be one of ${CALLER_DEPARTMENTS.join(', ')}`);
  process.exit(2);
}
const ttlS = ttlSeconds(values.ttl!);
if (ttlS === null) {
  console.error('--ttl looks like 30m, 1h or 7d');
  process.exit(2);
}
const cfg = loadConfig();
// the hub refuses longer-lived tokens: better not to mint one
if (ttlS > cfg.HUB_JWT_MAX_LIFETIME_HOURS * 3600) {
  console.error(
    `--ttl ${values.ttl} exceeds the maximum token lifetime of ${cfg.HUB_JWT_MAX_LIFETIME_HOURS} h (HUB_JWT_MAX_LIFETIME_HOURS)`,
  );
  process.exit(2);
}
const { secret } = loadOrCreateSecret(cfg.HUB_JWT_SECRET, cfg.dataDir);
const token = await issueToken(
  secret,
  {
    subject: values.subject ?? `local-${roles.join('+')}`,
    roles: roles.filter(isRole),
    department: values.department ?? null,
    office: values.office ?? null,
    name: values.name ?? null,
  },
  values.ttl,
  { issuer: cfg.HUB_JWT_ISSUER, audience: cfg.HUB_JWT_AUDIENCE },
);
process.stdout.write(`${token}\n`);
