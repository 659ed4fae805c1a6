/**
 * Protection of personal identifiers: ID numbers are keyed by an HMAC (so equal IDs link without
 * storing them in clear) and stored only encrypted (AES-256-GCM), never logged.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export class PiiVault {
  private readonly hmacKey: Buffer;
  private readonly encKey: Buffer;

  private readonly masterKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the PII key must be 32 bytes');
    this.masterKey = Buffer.from(masterKey);
    // derive two independent keys so the hash key never doubles as the cipher key
    this.hmacKey = createHmac('sha256', masterKey).update('person-key').digest();
    this.encKey = createHmac('sha256', masterKey).update('encryption').digest();
  }

  /** A copy of the key for the sync's store workers (threads of this process, never written or sent elsewhere). */
  keyForWorkers(): Buffer {
    return Buffer.from(this.masterKey);
  }

  /** Stable, keyed identifier of a person: hex HMAC-SHA256 of the (upper-case) ID number. */
  personKey(idNumber: string): string {
    return createHmac('sha256', this.hmacKey).update(idNumber.trim().toUpperCase()).digest('hex');
  }

  /** IVs are drawn from the CSPRNG 1,024 at a time: one call per IV cost ~2 s of a 20,000-enterprise sync */
  private ivPool = Buffer.alloc(0);
  private ivAt = 0;

  private nextIv(): Buffer {
    if (this.ivAt + 12 > this.ivPool.length) {
      this.ivPool = randomBytes(12 * 1024);
      this.ivAt = 0;
    }
    const iv = this.ivPool.subarray(this.ivAt, this.ivAt + 12);
    this.ivAt += 12;
    return iv;
  }

  encrypt(plain: string): string {
    const iv = this.nextIv();
    const c = createCipheriv('aes-256-gcm', this.encKey, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
  }

  decrypt(sealed: string): string {
    const buf = Buffer.from(sealed, 'base64');
    const d = createDecipheriv('aes-256-gcm', this.encKey, buf.subarray(0, 12));
    d.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
  }
}

/** The key from HUB_PII_KEY, or in demo mode one generated once and kept in the data folder. */
export function loadPiiKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return Buffer.from(configured, 'base64');
  const file = path.join(dataDir, 'pii.key');
  if (fs.existsSync(file)) return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  fs.writeFileSync(file, key.toString('base64'), { mode: 0o600 });
  return key;
}
