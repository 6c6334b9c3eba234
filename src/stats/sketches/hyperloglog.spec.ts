import {
  DENSE_KIND,
  HyperLogLog,
  SketchFormatError,
  SPARSE_KIND,
  SPARSE_MAX_ENTRIES,
} from './hyperloglog.js';

// Seeded (SplitMix64), so an estimate's error is the same on every run: with random input a
// 2.5 % bound (3 standard errors) would fail now and then, and an exact small count
// whenever two hashes share their first 25 bits.
function randomHashes(count: number, seed: number): bigint[] {
  let state = BigInt(seed) << 32n;
  const hashes: bigint[] = [];
  for (let i = 0; i < count; i++) {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n);
    let z = state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    hashes.push(z ^ (z >> 31n));
  }
  return hashes;
}

function relativeError(estimate: number, exact: number): number {
  return Math.abs(estimate - exact) / exact;
}

describe('HyperLogLog', () => {
  it('should estimate 0 for the empty sketch and serialize it as its 2-byte header', () => {
    const empty = HyperLogLog.empty();
    expect(empty.estimate()).toBe(0);
    expect(empty.serialize()).toEqual(Buffer.from([SPARSE_KIND, 14]));
    expect(HyperLogLog.deserialize(Buffer.from([SPARSE_KIND, 14])).estimate()).toBe(0);
    expect(HyperLogLog.merge([]).estimate()).toBe(0);
  });

  it('should count small sets exactly while sparse', () => {
    for (const n of [1, 2, 10, 100, 1000]) {
      const sketch = HyperLogLog.fromHashes(randomHashes(n, 1));
      expect(sketch.isSparse).toBe(true);
      expect(sketch.estimate()).toBe(n);
    }
  });

  it('should count duplicates once', () => {
    const hashes = randomHashes(500, 2);
    expect(HyperLogLog.fromHashes([...hashes, ...hashes, ...hashes]).estimate()).toBe(500);
  });

  it('should turn dense above 3072 entries and stay within 2.5 % of large counts', () => {
    expect(HyperLogLog.fromHashes(randomHashes(SPARSE_MAX_ENTRIES, 3)).isSparse).toBe(true);
    for (const n of [SPARSE_MAX_ENTRIES + 1, 10_000, 100_000, 300_000]) {
      const sketch = HyperLogLog.fromHashes(randomHashes(n, 4));
      expect(sketch.isSparse).toBe(false);
      expect(relativeError(sketch.estimate(), n)).toBeLessThan(0.025);
    }
  });

  it('should round-trip sparse and dense sketches through bytes', () => {
    for (const n of [0, 1, 3000, 50_000]) {
      const sketch = HyperLogLog.fromHashes(randomHashes(n, 5));
      const bytes = sketch.serialize();
      expect(bytes[0]).toBe(n > SPARSE_MAX_ENTRIES ? DENSE_KIND : SPARSE_KIND);
      expect(bytes.length).toBe(n > SPARSE_MAX_ENTRIES ? 12_290 : 2 + 4 * n);
      // A view into a larger buffer, as the pg driver may hand over.
      const padded = Buffer.concat([Buffer.from([9, 9, 9]), bytes]).subarray(3);
      const back = HyperLogLog.deserialize(padded);
      expect(back.serialize()).toEqual(bytes);
      expect(back.estimate()).toBe(sketch.estimate());
    }
  });

  it('should merge sparse and dense sketches into the sketch of the union', () => {
    const small = randomHashes(200, 6);
    const large = randomHashes(20_000, 7);
    const both = HyperLogLog.fromHashes([...small, ...large]);
    const sparse = HyperLogLog.fromHashes(small);
    const dense = HyperLogLog.fromHashes(large);
    expect(HyperLogLog.merge([sparse, dense]).serialize()).toEqual(both.serialize());
    expect(HyperLogLog.merge([dense.serialize(), sparse.serialize()]).serialize()).toEqual(
      both.serialize(),
    );
  });

  it('should merge sparse sketches into a dense one when the union outgrows the sparse form', () => {
    const parts = [randomHashes(2000, 8), randomHashes(2000, 9)];
    const merged = HyperLogLog.merge(parts.map((part) => HyperLogLog.fromHashes(part).serialize()));
    expect(merged.isSparse).toBe(false);
    expect(merged.serialize()).toEqual(HyperLogLog.fromHashes(parts.flat()).serialize());
  });

  it('should estimate the union of overlapping sets, not the sum', () => {
    const shared = randomHashes(1000, 10);
    const merged = HyperLogLog.merge([
      HyperLogLog.fromHashes([...shared, ...randomHashes(500, 11)]),
      HyperLogLog.fromHashes([...shared, ...randomHashes(300, 12)]),
    ]);
    expect(merged.estimate()).toBe(1800);
  });

  it('should place a hash in the register and rank its leading bits say', () => {
    // Hash bits: index25 = 3, then 39 bits whose first one is the 5th: rank 5.
    const hash = (3n << 39n) | (1n << 34n);
    expect(HyperLogLog.fromHashes([hash]).serialize()).toEqual(
      Buffer.from([SPARSE_KIND, 14, 0, 0, 0, (3 << 6) | 5]),
    );
    // All-ones is PostgreSQL's bigint -1: index25 = 2^25 - 1, rank 1.
    expect(HyperLogLog.fromHashes([-1n]).serialize()).toEqual(
      Buffer.from([SPARSE_KIND, 14, 0x7f, 0xff, 0xff, 0xc1]),
    );
    expect(HyperLogLog.fromHashes([0n]).serialize()).toEqual(
      Buffer.from([SPARSE_KIND, 14, 0, 0, 0, 40]),
    );
  });

  describe('unreadable input', () => {
    const dense = HyperLogLog.fromHashes(randomHashes(10_000, 13)).serialize();
    const sparse = HyperLogLog.fromHashes(randomHashes(10, 14)).serialize();
    const cases: [string, Buffer, RegExp][] = [
      ['no bytes', Buffer.alloc(0), /fewer than its 2-byte header/],
      ['an unknown format byte', Buffer.from([0x07, 14]), /unknown format byte 0x07/],
      ['another precision', Buffer.from([SPARSE_KIND, 12]), /precision is 12/],
      [
        'a truncated dense sketch',
        dense.subarray(0, 1000),
        /has 12290 bytes, and this one has 1000/,
      ],
      ['a torn sparse entry', sparse.subarray(0, 7), /4-byte entries/],
      [
        'sparse entries out of order',
        Buffer.concat([sparse.subarray(0, 2), sparse.subarray(6, 10), sparse.subarray(2, 6)]),
        /increasing register order/,
      ],
      ['a sparse rank of 0', Buffer.from([SPARSE_KIND, 14, 0, 0, 0, 0]), /out of range/],
      ['a sparse rank above 40', Buffer.from([SPARSE_KIND, 14, 0, 0, 0, 41]), /out of range/],
      [
        'a dense register above 51',
        Buffer.concat([dense.subarray(0, 2), Buffer.from([0xff]), dense.subarray(3)]),
        /above 51/,
      ],
    ];
    it.each(cases)('should refuse %s with a SketchFormatError', (_, bytes, message) => {
      expect(() => HyperLogLog.deserialize(bytes)).toThrow(SketchFormatError);
      expect(() => HyperLogLog.deserialize(bytes)).toThrow(message);
      expect(() => HyperLogLog.merge([sparse, bytes])).toThrow(message);
    });
  });
});
