/**
 * HyperLogLog sketches of visitor ids, mergeable across days and stored as `bytea`.
 *
 * Hash: a 64-bit value per visitor, `hashtextextended(visitor_id::text, 0)` in PostgreSQL
 * (see `hyperloglog-sql.ts`), read as an unsigned big-endian bit string h[0..63].
 *
 * Two representations of one sketch:
 * - dense, precision p = 14: m = 16384 registers; register index = h[0..13], value = the rank
 *   of h[14..63] (leading zeros + 1, 51 when all 50 bits are zero), so values are 0..51.
 * - sparse, precision p' = 25 (as in HyperLogLog++): one entry per non-empty register of a
 *   2^25-register sketch; index = h[0..24], rank of h[25..63] (1..40). A sparse sketch converts
 *   to the dense one exactly, and its estimate is nearly exact: two visitors only share an
 *   entry when their first 25 hash bits agree.
 *
 * Serialized format (version 1), for `bytea`:
 * - byte 0: kind and version: 0x01 = sparse v1, 0x02 = dense v1; any other value is refused.
 * - byte 1: precision: 14 (the dense precision, in both kinds).
 * - sparse (0x01): then 0 to 3072 entries of 4 bytes, unsigned big-endian,
 *   `index25 << 6 | rank25`, with strictly increasing index25 and rank25 in 1..40.
 *   The empty sketch is the 2 bytes `01 0e`.
 * - dense (0x02): then exactly 12288 bytes: the 16384 registers as 6-bit values, big-endian,
 *   4 registers in 3 bytes (register 4k in the top 6 bits of the k-th group of 3 bytes).
 * A sketch with more than 3072 sparse entries is dense (4 × 3072 = 12288 bytes): the smaller wins.
 *
 * Estimate: Ertl (2017), "New cardinality estimation algorithms for HyperLogLog sketches",
 * the improved estimator (its σ and τ functions), on the register histogram; no empirical
 * bias tables. Near-linear-counting accuracy for small counts, low bias up to 2^64.
 */

export const PRECISION = 14;
export const REGISTERS = 1 << PRECISION;
const Q = 64 - PRECISION; // 50 hash bits left for the rank
export const SPARSE_PRECISION = 25;
const SPARSE_Q = 64 - SPARSE_PRECISION; // 39
/** The largest sparse sketch; beyond it the dense form is smaller. */
export const SPARSE_MAX_ENTRIES = 3072;
export const SPARSE_KIND = 0x01;
/** Above this many sparse entries in all, `merge` unites them in dense registers directly. */
const DIRECT_DENSE_ENTRIES = 4 * SPARSE_MAX_ENTRIES;
export const DENSE_KIND = 0x02;
const HEADER_BYTES = 2;
const DENSE_BYTES = HEADER_BYTES + (REGISTERS * 6) / 8;
const ALPHA_INF = 1 / (2 * Math.LN2);

/** A sketch that cannot be read: wrong version, precision, length or content. */
export class SketchFormatError extends Error {
  constructor(detail: string) {
    super(`Cannot read this HyperLogLog sketch: ${detail}`);
    this.name = 'SketchFormatError';
  }
}

export class HyperLogLog {
  /** Exactly one is set: sorted `index25 << 6 | rank25` entries, or the 16384 dense registers. */
  private constructor(
    private readonly sparse: Uint32Array | null,
    private readonly dense: Uint8Array | null,
  ) {}

  static empty(): HyperLogLog {
    return new HyperLogLog(new Uint32Array(0), null);
  }

  /** A sketch of 64-bit hashes (as PostgreSQL's signed `bigint`, or unsigned). */
  static fromHashes(hashes: Iterable<bigint>): HyperLogLog {
    const entries: number[] = [];
    for (const hash of hashes) entries.push(sparseEntry(hash));
    return HyperLogLog.fromSparseEntries(Uint32Array.from(entries));
  }

  /** Reads the format described at the top of this file; throws `SketchFormatError`. */
  static deserialize(bytes: Uint8Array): HyperLogLog {
    checkHeader(bytes);
    if (bytes[0] === DENSE_KIND) {
      const registers = new Uint8Array(REGISTERS);
      unpackDenseInto(bytes, registers);
      return new HyperLogLog(null, registers);
    }
    return new HyperLogLog(readSparse(bytes), null);
  }

  /** The union of sketches, serialized or not; sparse while the union has few enough entries. */
  static merge(sketches: Iterable<HyperLogLog | Uint8Array>): HyperLogLog {
    const sparseParts: Uint32Array[] = [];
    let sparseTotal = 0;
    let registers: Uint8Array | null = null;
    for (const sketch of sketches) {
      if (sketch instanceof HyperLogLog) {
        if (sketch.dense) {
          registers ??= new Uint8Array(REGISTERS);
          maxInto(registers, sketch.dense);
        } else {
          sparseParts.push(sketch.sparse!);
          sparseTotal += sketch.sparse!.length;
        }
        continue;
      }
      checkHeader(sketch);
      if (sketch[0] === DENSE_KIND) {
        registers ??= new Uint8Array(REGISTERS);
        unpackDenseInto(sketch, registers);
      } else {
        const entries = readSparse(sketch);
        sparseParts.push(entries);
        sparseTotal += entries.length;
      }
    }
    // Sparse parts with many more entries than a sparse sketch holds (a month of a busy value's
    // days) go straight into registers: sorting them all to find the distinct ones would cost
    // far more, and their union is nearly always dense anyway.
    if (!registers && sparseTotal > DIRECT_DENSE_ENTRIES) registers = new Uint8Array(REGISTERS);
    if (registers) {
      for (const entries of sparseParts) sparseIntoDense(entries, registers);
      return new HyperLogLog(null, registers);
    }
    const all = new Uint32Array(sparseTotal);
    let offset = 0;
    for (const entries of sparseParts) {
      all.set(entries, offset);
      offset += entries.length;
    }
    return HyperLogLog.fromSparseEntries(all);
  }

  private static fromSparseEntries(entries: Uint32Array): HyperLogLog {
    entries.sort();
    // For one register the entry with the highest rank sorts last: keep that one.
    let kept = 0;
    for (let i = 0; i < entries.length; i++) {
      if (i + 1 < entries.length && entries[i + 1] >>> 6 === entries[i] >>> 6) continue;
      entries[kept++] = entries[i];
    }
    const sparse = entries.subarray(0, kept);
    if (kept <= SPARSE_MAX_ENTRIES) return new HyperLogLog(sparse.slice(), null);
    const registers = new Uint8Array(REGISTERS);
    sparseIntoDense(sparse, registers);
    return new HyperLogLog(null, registers);
  }

  get isSparse(): boolean {
    return this.sparse !== null;
  }

  serialize(): Buffer {
    if (this.sparse) {
      const out = Buffer.allocUnsafe(HEADER_BYTES + 4 * this.sparse.length);
      out[0] = SPARSE_KIND;
      out[1] = PRECISION;
      for (let i = 0; i < this.sparse.length; i++) {
        out.writeUInt32BE(this.sparse[i], HEADER_BYTES + 4 * i);
      }
      return out;
    }
    const registers = this.dense!;
    const out = Buffer.allocUnsafe(DENSE_BYTES);
    out[0] = DENSE_KIND;
    out[1] = PRECISION;
    for (let r = 0, b = HEADER_BYTES; r < REGISTERS; r += 4, b += 3) {
      const r1 = registers[r + 1];
      const r2 = registers[r + 2];
      out[b] = (registers[r] << 2) | (r1 >> 4);
      out[b + 1] = ((r1 & 15) << 4) | (r2 >> 2);
      out[b + 2] = ((r2 & 3) << 6) | registers[r + 3];
    }
    return out;
  }

  /** The estimated number of distinct visitors, rounded. */
  estimate(): number {
    if (this.sparse) {
      const histogram = new Float64Array(SPARSE_Q + 2);
      histogram[0] = 2 ** SPARSE_PRECISION - this.sparse.length;
      for (const entry of this.sparse) histogram[entry & 63]++;
      return Math.round(ertlEstimate(histogram, 2 ** SPARSE_PRECISION, SPARSE_Q));
    }
    const histogram = new Float64Array(Q + 2);
    for (const value of this.dense!) histogram[value]++;
    return Math.round(ertlEstimate(histogram, REGISTERS, Q));
  }
}

/** `index25 << 6 | rank25` of one 64-bit hash. */
function sparseEntry(hash: bigint): number {
  const unsigned = BigInt.asUintN(64, hash);
  const high = Number(unsigned >> 32n);
  const low = Number(unsigned & 0xffffffffn);
  const rest = high & 0x7f; // hash bits 25..31, then `low` holds bits 32..63
  const rank = rest !== 0 ? Math.clz32(rest) - 24 : low !== 0 ? 8 + Math.clz32(low) : SPARSE_Q + 1;
  return ((high >>> 7) << 6) | rank;
}

function checkHeader(bytes: Uint8Array): void {
  if (bytes.length < HEADER_BYTES) {
    throw new SketchFormatError(`it has ${bytes.length} bytes, fewer than its 2-byte header.`);
  }
  if (bytes[0] !== SPARSE_KIND && bytes[0] !== DENSE_KIND) {
    throw new SketchFormatError(
      `unknown format byte 0x${bytes[0].toString(16).padStart(2, '0')} (this version reads 0x01 sparse and 0x02 dense); was it written by a newer Trackveil?`,
    );
  }
  if (bytes[1] !== PRECISION) {
    throw new SketchFormatError(
      `its precision is ${bytes[1]}, and only ${PRECISION} is supported.`,
    );
  }
  if (bytes[0] === DENSE_KIND && bytes.length !== DENSE_BYTES) {
    throw new SketchFormatError(
      `a dense sketch has ${DENSE_BYTES} bytes, and this one has ${bytes.length}.`,
    );
  }
  if (bytes[0] === SPARSE_KIND && (bytes.length - HEADER_BYTES) % 4 !== 0) {
    throw new SketchFormatError(
      `a sparse sketch is a 2-byte header and 4-byte entries, and this one has ${bytes.length} bytes.`,
    );
  }
}

function readSparse(bytes: Uint8Array): Uint32Array {
  const count = (bytes.length - HEADER_BYTES) / 4;
  if (count > SPARSE_MAX_ENTRIES) {
    throw new SketchFormatError(
      `a sparse sketch has at most ${SPARSE_MAX_ENTRIES} entries, and this one has ${count}.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const entry = view.getUint32(HEADER_BYTES + 4 * i);
    const rank = entry & 63;
    if (entry >>> 31 !== 0 || rank < 1 || rank > SPARSE_Q + 1) {
      throw new SketchFormatError(`sparse entry ${i} (0x${entry.toString(16)}) is out of range.`);
    }
    if (i > 0 && entry >>> 6 <= entries[i - 1] >>> 6) {
      throw new SketchFormatError(`sparse entry ${i} is not in increasing register order.`);
    }
    entries[i] = entry;
  }
  return entries;
}

/** Unpacked registers of one dense sketch, reused by every merge (merges never interleave). */
const scratch = new Uint32Array(REGISTERS / 4);
const scratchBytes = new Uint8Array(scratch.buffer);

/** Takes the register-wise maximum of `registers` and a serialized dense sketch. */
function unpackDenseInto(bytes: Uint8Array, registers: Uint8Array): void {
  // A register is valid up to Q + 1 = 51: adding 12 sets bit 6 exactly for 52..63, so one OR
  // over every register finds a bad one without a branch per register.
  let bad = 0;
  for (let r = 0, b = HEADER_BYTES; r < REGISTERS; r += 4, b += 3) {
    const word = (bytes[b] << 16) | (bytes[b + 1] << 8) | bytes[b + 2];
    const r0 = word >>> 18;
    const r1 = (word >>> 12) & 63;
    const r2 = (word >>> 6) & 63;
    const r3 = word & 63;
    bad |= (r0 + 12) | (r1 + 12) | (r2 + 12) | (r3 + 12);
    scratchBytes[r] = r0;
    scratchBytes[r + 1] = r1;
    scratchBytes[r + 2] = r2;
    scratchBytes[r + 3] = r3;
  }
  if (bad & 64) {
    throw new SketchFormatError(`a dense register holds a value above ${Q + 1}.`);
  }
  maxInto(registers, scratchBytes);
}

/**
 * Takes the register-wise maximum of two register arrays, four registers (bytes below 128) at a
 * time: for each byte, the high bit of `(a | 0x80) - b` says whether a >= b.
 */
function maxInto(target: Uint8Array, source: Uint8Array): void {
  const a = new Uint32Array(target.buffer, target.byteOffset, REGISTERS / 4);
  const b = new Uint32Array(source.buffer, source.byteOffset, REGISTERS / 4);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    const keep = (((x | 0x80808080) - y) & 0x80808080) >>> 7; // 1 per byte where x >= y
    const mask = keep * 0xff; // 0xff per such byte
    a[i] = (x & mask) | (y & ~mask);
  }
}

/** Folds `index25 << 6 | rank25` entries into precision-14 registers. */
function sparseIntoDense(entries: Uint32Array, registers: Uint8Array): void {
  for (const entry of entries) {
    const register = entry >>> 17;
    const between = (entry >>> 6) & 0x7ff; // index25 bits 14..24 lead the dense rank's 50 bits
    const rank = between !== 0 ? Math.clz32(between) - 20 : 11 + (entry & 63);
    if (rank > registers[register]) registers[register] = rank;
  }
}

/** Ertl 2017's improved estimator: `histogram[k]` registers hold k, for k in 0..q+1. */
function ertlEstimate(histogram: Float64Array, m: number, q: number): number {
  if (histogram[0] === m) return 0;
  let z = m * tau(1 - histogram[q + 1] / m);
  for (let k = q; k >= 1; k--) z = 0.5 * (z + histogram[k]);
  z += m * sigma(histogram[0] / m);
  return (ALPHA_INF * m * m) / z;
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const previous = z;
    z += x * y;
    y += y;
    if (z === previous) return z;
  }
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const previous = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
    if (z === previous) return z / 3;
  }
}
