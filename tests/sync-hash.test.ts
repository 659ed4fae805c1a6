import { describe, expect, it } from 'vitest';
import { contentHash, stableJson, toJsonb } from '../src/sync/hash.js';

/** The former implementation (sorted copy, then JSON.stringify): stored content hashes were made with it. */
function sortedCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedCopy);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined || x === null) continue;
      out[k] = sortedCopy(x);
    }
    return out;
  }
  return v;
}

describe('content hash', () => {
  const samples: unknown[] = [
    {
      kind: 'penalty',
      enterprise: { creditCode: '91110000MA01ABCD2X', name: '北京某某建设有限公司' },
      amount: 12.5,
      legalBasis: null,
      reason: undefined,
    },
    { b: [1, null, undefined, 'x', { z: 1, a: [] }], a: { y: null, x: '"quoted"\\\n\t' }, ç: true, A: false, '10': 0, '9': -1.5e-7 },
    { record: { kind: 'role', idNumber: 'k'.repeat(64), since: '2024-01-01' }, links: { enterprise: '91110000MA01ABCD2X' } },
    [],
    {},
    'text',
    42,
    true,
    { nested: { deeper: { deepest: [[{ q: 'é\u2028' }]] } } },
    { d: new Date(0) },
  ];

  it('writes the same text as JSON.stringify of a key-sorted copy, so hashes stored before stay valid', () => {
    for (const s of samples) expect(stableJson(s)).toBe(JSON.stringify(sortedCopy(s)));
  });

  it('ignores key order and null or absent members', () => {
    expect(contentHash({ a: 1, b: 'x', c: null })).toBe(contentHash({ b: 'x', a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
  });

  it('drops U+0000 from strings for jsonb and leaves other text as JSON.stringify writes it', () => {
    expect(toJsonb({ a: 'x\u0000y', b: ['\u0000'] })).toBe('{"a":"xy","b":[""]}');
    expect(toJsonb({ a: 'plain \\u0000 text' })).toBe(JSON.stringify({ a: 'plain \\u0000 text' }));
    expect(toJsonb(undefined)).toBe('null');
  });
});
