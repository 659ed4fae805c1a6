/**
 * Checkpoints of the audit log's chain head kept outside the database (issue 17.5). After every audit
 * write the hub appends a line `{seq, hash, at, mac}` to an append-only file, the mac an HMAC-SHA256 with
 * a key the database never sees. Whoever rewrites entries and recomputes the hashes, deletes the newest
 * entries or truncates the table (a database superuser can) cannot make the table agree with the
 * anchors again without the key: `npm run audit:verify` and `auditChain` compare both.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { HubConfig } from '../config.js';

export interface Anchor {
  seq: number;
  hash: string;
  at: string;
}

export interface AnchorReading {
  /** anchors whose mac is valid, in file order */
  anchors: Anchor[];
  /** lines that are not valid anchors (forged, edited or torn), by line number */
  invalid: number[];
}

export const anchorFileOf = (configured: string | undefined, dataDir: string) =>
  path.resolve(configured ?? path.join(dataDir, 'audit-anchors.log'));
const keyFileOf = (dataDir: string) => path.join(dataDir, 'audit-anchor.key');

/** HUB_AUDIT_ANCHOR_KEY (base64 of at least 32 bytes), or the key file in the data folder; null when there is neither. */
export function readAnchorKey(configured: string | undefined, dataDir: string): Buffer | null {
  if (configured) return Buffer.from(configured, 'base64');
  const file = keyFileOf(dataDir);
  return fs.existsSync(file) ? Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64') : null;
}

/** The anchor key; without one configured, generated once into the data folder (0600) like the other demo secrets. */
export function loadOrCreateAnchorKey(configured: string | undefined, dataDir: string): Buffer {
  const key = readAnchorKey(configured, dataDir);
  if (key) {
    if (key.length < 32) throw new Error('HUB_AUDIT_ANCHOR_KEY must be base64 of at least 32 bytes');
    return key;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const fresh = randomBytes(32);
  try {
    // exclusive: hub replicas sharing the data folder starting at once keep one key
    fs.writeFileSync(keyFileOf(dataDir), fresh.toString('base64'), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readAnchorKey(undefined, dataDir)!;
  }
  return fresh;
}

const macOf = (key: Buffer, a: Anchor) => createHmac('sha256', key).update(`audit-anchor\n${a.seq}\n${a.hash}\n${a.at}`).digest('hex');

/** The hub's anchors: HUB_AUDIT_ANCHOR_FILE signed with HUB_AUDIT_ANCHOR_KEY (or the generated demo key). */
export function openAuditAnchors(cfg: Pick<HubConfig, 'HUB_AUDIT_ANCHOR_FILE' | 'HUB_AUDIT_ANCHOR_KEY' | 'dataDir'>): AuditAnchors {
  return new AuditAnchors(
    anchorFileOf(cfg.HUB_AUDIT_ANCHOR_FILE, cfg.dataDir),
    loadOrCreateAnchorKey(cfg.HUB_AUDIT_ANCHOR_KEY, cfg.dataDir),
  );
}

export class AuditAnchors {
  constructor(
    readonly file: string,
    private readonly key: Buffer,
  ) {}

  /** Appends the checkpoint of the chain head (O_APPEND: concurrent writers never overwrite each other's lines). */
  append(seq: number, hash: string): void {
    const a: Anchor = { seq, hash, at: new Date().toISOString() };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.appendFileSync(this.file, `${JSON.stringify({ ...a, mac: macOf(this.key, a) })}\n`, { mode: 0o600, flag: 'a' });
  }

  read(): AnchorReading {
    const anchors: Anchor[] = [];
    const invalid: number[] = [];
    if (!fs.existsSync(this.file)) return { anchors, invalid };
    const lines = fs.readFileSync(this.file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const o = JSON.parse(line) as Anchor & { mac: string };
        const a: Anchor = { seq: Number(o.seq), hash: String(o.hash), at: String(o.at) };
        const want = Buffer.from(macOf(this.key, a), 'hex');
        const got = Buffer.from(String(o.mac), 'hex');
        if (Number.isInteger(a.seq) && a.seq > 0 && got.length === want.length && timingSafeEqual(got, want)) anchors.push(a);
        else invalid.push(i + 1);
      } catch {
        invalid.push(i + 1);
      }
    });
    return { anchors, invalid };
  }
}
