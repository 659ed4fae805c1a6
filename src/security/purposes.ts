/**
 * Lawful purposes (合法用途) for which a department operator may see personal information in clear. The
 * list is data (src/security/purposes.json, or the file HUB_PURPOSES_FILE names): a code the client sends
 * in `X-Purpose` and the Chinese text recorded with it in the audit log. Anything else is refused.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Purpose } from '../kernel/context.js';
import { badInput } from '../kernel/errors.js';

export const DEFAULT_PURPOSES_FILE = fileURLToPath(new URL('./purposes.json', import.meta.url));

const CODE = /^[A-Z][A-Z0-9_]{1,63}$/;

/** Reads and checks a purposes file: a JSON array of { code, zh }, codes upper-case and unique. */
export function loadPurposes(file: string = DEFAULT_PURPOSES_FILE): Purpose[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`purposes file ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0)
    throw new Error(`purposes file ${file}: expected a non-empty JSON array of { "code", "zh" }`);
  const seen = new Set<string>();
  return parsed.map((p: unknown, i) => {
    const { code, zh } = (p ?? {}) as Record<string, unknown>;
    if (typeof code !== 'string' || !CODE.test(code)) throw new Error(`purposes file ${file}: entry ${i}: code must match ${CODE.source}`);
    if (typeof zh !== 'string' || !zh.trim() || zh.length > 100)
      throw new Error(`purposes file ${file}: entry ${i} (${code}): zh must be 1 to 100 characters`);
    if (seen.has(code) || seen.has(zh)) throw new Error(`purposes file ${file}: ${code} or its text appears twice`);
    seen.add(code);
    seen.add(zh);
    return { code, zh: zh.trim() };
  });
}

/**
 * Node hands header bytes over as Latin-1 characters: a value that is valid UTF-8 is read as UTF-8 (a raw
 * Chinese header), otherwise as sent. Percent-encoded UTF-8 is decoded too.
 */
function headerTexts(raw: string): string[] {
  const texts = [raw];
  if ([...raw].every((c) => c.charCodeAt(0) <= 0xff)) {
    const bytes = Buffer.from(raw, 'latin1');
    const utf8 = bytes.toString('utf8');
    if (Buffer.from(utf8, 'utf8').equals(bytes)) texts.push(utf8);
  }
  try {
    texts.push(decodeURIComponent(raw));
  } catch {
    // not percent-encoded
  }
  return texts.map((t) => t.trim());
}

/**
 * The purpose an `X-Purpose` header names (its code, or its Chinese text), null when absent; an unknown value
 * is BAD_USER_INPUT naming the header and listing the valid codes.
 */
export function purposeOfHeader(header: string | string[] | undefined, purposes: readonly Purpose[]): Purpose | null {
  const raw = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!raw) return null;
  for (const text of headerTexts(raw)) {
    const found = purposes.find((p) => p.code === text.toUpperCase() || p.zh === text);
    if (found) return found;
  }
  const codes = purposes.map((p) => p.code);
  throw badInput('X-Purpose', `not a lawful purpose; send one of ${codes.join(', ')}`, {
    validCodes: codes,
    messageZh: `X-Purpose 不是登记的合法用途，请使用：${purposes.map((p) => `${p.code}（${p.zh}）`).join('、')}`,
    http: { status: 400 },
  });
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A client's X-Request-Id when it is a plain token (≤ 64 of A-Z a-z 0-9 . _ -), else null (a new id is generated). */
export function validRequestId(header: string | string[] | undefined): string | null {
  const v = Array.isArray(header) ? header[0] : header;
  return v && REQUEST_ID.test(v) ? v : null;
}
