/** `npm run audit:verify`: walks the audit log's hash chain; exits 1 and names the entry if it was tampered with. */
import { openHubDatabase } from './db.js';
import { verifyAuditChain } from '../security/audit.js';

const { ds, close } = await openHubDatabase();
let tampered = false;
try {
  const r = await verifyAuditChain(ds);
  if (r.brokenAt === null) {
    console.log(`audit log intact: ${r.checked} entries verified`);
  } else {
    console.error(`audit log TAMPERED at entry ${r.brokenAt}: ${r.reason} (${r.checked} entries verified before it)`);
    tampered = true;
  }
} finally {
  await close();
}
// an explicit exit status: scripts and CI act on it (pool timers must not decide it)
process.exit(tampered ? 1 : 0);
