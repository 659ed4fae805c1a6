/**
 * `npm run audit:verify`: walks the audit log's hash chain and compares it with the anchors kept outside the
 * database (HUB_AUDIT_ANCHOR_FILE, signed with HUB_AUDIT_ANCHOR_KEY); exits 1 and names the entry if it was
 * tampered with. Read-only (no migrations, one read-only transaction): it runs beside a working hub, the
 * embedded database included (it connects to the running server).
 */
import fs from 'node:fs';
import { loadConfig } from '../config.js';
import { anchorFileOf, AuditAnchors, readAnchorKey } from '../security/audit-anchor.js';
import { verifyAuditChainReadOnly } from '../security/audit.js';
import { openHubDatabase } from './db.js';

const cfg = loadConfig();
const file = anchorFileOf(cfg.HUB_AUDIT_ANCHOR_FILE, cfg.dataDir);
const key = readAnchorKey(cfg.HUB_AUDIT_ANCHOR_KEY, cfg.dataDir);
if (fs.existsSync(file) && !key) {
  console.error(`audit anchors at ${file} but no anchor key (HUB_AUDIT_ANCHOR_KEY or ${cfg.dataDir}/audit-anchor.key): cannot verify them`);
  process.exit(2);
}
// anchors first: each is written after its entries committed, so the snapshot taken next holds them
const anchors = key ? new AuditAnchors(file, key).read() : undefined;
const { ds, close } = await openHubDatabase(cfg, { readOnly: true });
let tampered = false;
try {
  const r = await verifyAuditChainReadOnly(ds, anchors);
  if (r.brokenAt === null) {
    const anchorNote = !anchors
      ? 'no anchors kept yet'
      : r.anchoredTo
        ? `matches the anchors up to entry ${r.anchoredTo}`
        : 'no anchor written yet';
    console.log(`audit log intact: ${r.checked} entries verified; ${anchorNote}`);
  } else {
    console.error(`audit log TAMPERED at entry ${r.brokenAt}: ${r.reason} (${r.checked} entries verified before it)`);
    tampered = true;
  }
} finally {
  await close();
}
// an explicit exit status: scripts and CI act on it (pool timers must not decide it)
process.exit(tampered ? 1 : 0);
