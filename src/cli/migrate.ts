/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database). */
import { openHubDatabase } from './db.js';

const db = await openHubDatabase();
const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM migrations`);
console.log(`database up to date: ${n} migrations applied (${db.hubUrl.replace(/:[^:@/]+@/, ':***@')})`);
await db.close();
