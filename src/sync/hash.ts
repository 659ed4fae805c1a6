/** Content hashes: stable over key order and null/absent, so "unchanged" means unchanged content. */
import { createHash } from 'node:crypto';

function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined || x === null) continue; // absent and null mean the same in the canonical model
      out[k] = stable(x);
    }
    return out;
  }
  return v;
}

export function contentHash(v: unknown): string {
  return createHash('sha256').update(JSON.stringify(stable(v))).digest('base64url');
}

/** JSON for a jsonb column: PostgreSQL refuses U+0000 in jsonb, so it is dropped from strings. */
export function toJsonb(v: unknown): string {
  return JSON.stringify(v ?? null, (_k, x: unknown) => (typeof x === 'string' && x.includes('\u0000') ? x.replaceAll('\u0000', '') : x));
}
