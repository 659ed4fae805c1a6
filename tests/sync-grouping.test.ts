import { describe, expect, it } from 'vitest';
import type { ChangeBatch, SourceEnvelope } from '../connectors/types.js';
import { grouped } from '../src/sync/engine.js';

const env = (id: number): SourceEnvelope => ({ sourceRecordId: String(id), kind: 'penalty', raw: { id } });
const page = (from: number, n: number): ChangeBatch => ({
  records: Array.from({ length: n }, (_x, i) => env(from + i)),
  watermark: `w${from + n - 1}`,
});

async function* pages(list: ChangeBatch[], failAfter?: number): AsyncGenerator<ChangeBatch> {
  for (const [i, p] of list.entries()) {
    if (failAfter !== undefined && i === failAfter) throw new Error('source died mid-stream');
    yield p;
  }
}

const collect = async (it: AsyncIterable<ChangeBatch>) => {
  const out: ChangeBatch[] = [];
  let error: unknown = null;
  try {
    for await (const b of it) out.push(b);
  } catch (err) {
    error = err;
  }
  return { out, error };
};

describe('store batches grouped from source pages', () => {
  const five = [page(0, 3), page(3, 3), page(6, 3), page(9, 3), page(12, 2)];

  it("groups consecutive pages up to the size, each with its last page's watermark, every record once in order", async () => {
    const { out, error } = await collect(grouped(pages(five), 5));
    expect(error).toBeNull();
    expect(out.map((b) => b.records.length)).toEqual([6, 6, 2]);
    expect(out.map((b) => b.watermark)).toEqual(['w5', 'w11', 'w13']);
    expect(out.flatMap((b) => b.records.map((r) => r.sourceRecordId))).toEqual(Array.from({ length: 14 }, (_x, i) => String(i)));
  });

  it('a size of one page keeps every page its own batch', async () => {
    const { out } = await collect(grouped(pages(five), 3));
    expect(out.map((b) => b.watermark)).toEqual(['w2', 'w5', 'w8', 'w11', 'w13']);
  });

  it('a source failing mid-group hands over the complete pages it gave, then the failure', async () => {
    const { out, error } = await collect(grouped(pages(five, 3), 100));
    expect(out).toHaveLength(1);
    expect(out[0]!.watermark).toBe('w8');
    expect(out[0]!.records).toHaveLength(9);
    expect((error as Error).message).toBe('source died mid-stream');
  });

  it('a source failing right after a full group hands over nothing more', async () => {
    const { out, error } = await collect(grouped(pages(five, 2), 6));
    expect(out.map((b) => b.watermark)).toEqual(['w5']);
    expect(error).toBeInstanceOf(Error);
  });
});
