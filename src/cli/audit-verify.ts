/** `npm run audit:verify`: walks the audit log's hash chain; exits 1 and names the entry if it was tampered with. */
import { openHubDatabase } from './db.js';
import { verifyAuditChain } from '../security/audit.js';

const { ds, close } = await openHubDatabase();
try {
  const r = await verifyAuditChain(ds);
  if (r.brokenAt === null) {
    console.log(`audit log intact: ${r.checked} entries verified`);
  } else {
    console.error(`audit log TAMPERED at entry ${r.brokenAt}: ${r.reason} (${r.checked} entries verified before it)`);
    process.exitCode = 1;
  }
} finally {
  await close();
}
