/** Content hashes: stable over key order and null/absent, so "unchanged" means unchanged content. */
import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted and null/undefined members left out (absent and null mean the same in
 * the canonical model), written in one pass: the same text as JSON.stringify of a sorted copy, without
 * building the copy (that copy was most of a sync's garbage per record).
 */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (i) s += ',';
      // as JSON.stringify: undefined, functions and symbols in arrays are null
      s += x === undefined || typeof x === 'function' || typeof x === 'symbol' ? 'null' : stableJson(x);
    }
    return s + ']';
  }
  const o = v as Record<string, unknown>;
  const keys = orderOfSortedCopy(Object.keys(o).sort());
  let s = '{';
  let first = true;
  for (const k of keys) {
    const x = o[k];
    if (x === undefined || x === null || typeof x === 'function' || typeof x === 'symbol') continue;
    s += (first ? '' : ',') + JSON.stringify(k) + ':' + stableJson(x);
    first = false;
  }
  return s + '}';
}

const isIndexKey = (k: string): boolean => /^(?:0|[1-9]\d{0,9})$/.test(k) && Number(k) < 4294967295;

/** A JS object lists integer-like keys first, ascending: the sorted copy did, so stored hashes did too. */
function orderOfSortedCopy(sorted: string[]): string[] {
  if (!sorted.some((k) => k.charCodeAt(0) <= 57 && isIndexKey(k))) return sorted;
  const index = sorted.filter(isIndexKey).sort((a, b) => Number(a) - Number(b));
  return [...index, ...sorted.filter((k) => !isIndexKey(k))];
}

export function contentHash(v: unknown): string {
  return createHash('sha256').update(stableJson(v)).digest('base64url');
}

/** JSON for a jsonb column: PostgreSQL refuses U+0000 in jsonb, so it is dropped from strings. */
export function toJsonb(v: unknown): string {
  const s = JSON.stringify(v ?? null);
  // JSON.stringify writes U+0000 as the escape \u0000: without one, no string holds it (one scan
  // instead of a replacer called for every value of every record)
  if (!s.includes('\\u0000')) return s;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' && x.includes('\u0000') ? x.replaceAll('\u0000', '') : x));
}
