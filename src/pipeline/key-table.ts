// A set of 64-bit hashes, each with a number beside it, in typed arrays: what finds a label set
// (and time) repeated anywhere in a run of millions of rows without keeping the label sets.

/**
 * Hashes a sample's identity (metric name, label set, and optionally its time) to 64 bits, as
 * two 32-bit halves in `high` and `low`. Two 32-bit FNV-style multiply-xor hashes with different
 * primes run over the same text, each finished by murmur3's avalanche.
 *
 * Collision risk: two distinct identities share a hash with a probability of about n² / 2^65
 * among n of them: 1 in 37 million for 1,000,000 distinct samples, 1 in 370,000 for 10,000,000.
 * A collision makes the pipeline take the earlier of the two samples for a repeat of the later:
 * it is warned about like a repeat (naming both lines) and not sent. No sample is ever sent twice.
 */
export class SampleHasher {
  high = 0;
  low = 0;

  /** The identity of a series: metric name and the label set's unambiguous key (see LabelSet.key). */
  series(name: string, labelKey: string): void {
    let a = 0x811c9dc5;
    let b = 0x9747b28c;
    for (let index = 0; index < name.length; index++) {
      const code = name.charCodeAt(index);
      a = Math.imul(a ^ code, 0x01000193);
      b = Math.imul(b ^ code, 0x5bd1e995);
    }
    // A code no name holds keeps `ab` + `{...}` apart from `a` + `b{...}`.
    a = Math.imul(a ^ 0xffff, 0x01000193);
    b = Math.imul(b ^ 0xffff, 0x5bd1e995);
    for (let index = 0; index < labelKey.length; index++) {
      const code = labelKey.charCodeAt(index);
      a = Math.imul(a ^ code, 0x01000193);
      b = Math.imul(b ^ code, 0x5bd1e995);
    }
    this.high = finish(a);
    this.low = finish(b ^ labelKey.length);
  }

  /** Mixes a time (in ms) into the series hash last computed: the identity of one sample. */
  withTime(timestampMs: number): void {
    const low = timestampMs % 4294967296 | 0;
    const high = Math.floor(timestampMs / 4294967296) | 0;
    this.high = finish(Math.imul(this.high ^ low, 0x01000193) ^ high);
    this.low = finish(Math.imul(this.low ^ high, 0x5bd1e995) ^ low);
  }
}

/** murmur3's 32-bit finaliser: every input bit reaches every output bit. */
function finish(value: number): number {
  let h = value ^ (value >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const FIRST_CAPACITY = 1 << 10;
/** Grown (doubled) beyond this share of slots taken: linear probing stays short. */
const MAX_LOAD = 0.7;

/**
 * Open addressing with linear probing over three typed arrays: 16 bytes a slot (two 32-bit
 * halves of the hash, a float64 beside it), at most 70% and, after doubling, at least 35% of the
 * slots taken: 23 to 46 bytes per key, nothing per key on the JavaScript heap. A million keys
 * take 2^21 slots, 32 MiB (48 MiB for the moment of doubling, while both arrays live).
 * The hash 0:0 marks an empty slot, so a key hashing to it is stored as 0:1.
 */
export class HashTable {
  private highs: Uint32Array;
  private lows: Uint32Array;
  private values: Float64Array;
  size = 0;

  /** `expectedKeys`, when known, sizes the table at once: it never doubles for them. */
  constructor(expectedKeys = 0) {
    let capacity = FIRST_CAPACITY;
    while (expectedKeys > capacity * MAX_LOAD) capacity *= 2;
    this.highs = new Uint32Array(capacity);
    this.lows = new Uint32Array(capacity);
    this.values = new Float64Array(capacity);
  }

  /** The value beside the key, or undefined when it is not in the table. */
  get(high: number, low: number): number | undefined {
    const slot = this.slotOf(high, low === 0 && high === 0 ? 1 : low);
    return this.highs[slot] === 0 && this.lows[slot] === 0 ? undefined : this.values[slot];
  }

  /** Sets the value beside the key; returns the value it had, or undefined when the key is new. */
  set(high: number, low: number, value: number): number | undefined {
    const key = low === 0 && high === 0 ? 1 : low;
    let slot = this.slotOf(high, key);
    if (this.highs[slot] !== 0 || this.lows[slot] !== 0) {
      const earlier = this.values[slot];
      this.values[slot] = value;
      return earlier;
    }
    if (this.size + 1 > this.highs.length * MAX_LOAD) {
      this.grow();
      slot = this.slotOf(high, key);
    }
    this.highs[slot] = high;
    this.lows[slot] = key;
    this.values[slot] = value;
    this.size++;
    return undefined;
  }

  /** Every key with its value. */
  forEach(each: (high: number, low: number, value: number) => void): void {
    for (let slot = 0; slot < this.highs.length; slot++) {
      const high = this.highs[slot] as number;
      const low = this.lows[slot] as number;
      if (high !== 0 || low !== 0) each(high, low, this.values[slot] as number);
    }
  }

  /** The key's slot, or the empty slot where it would go. */
  private slotOf(high: number, low: number): number {
    const mask = this.highs.length - 1;
    let slot = low & mask;
    for (;;) {
      const h = this.highs[slot] as number;
      const l = this.lows[slot] as number;
      if ((h === high && l === low) || (h === 0 && l === 0)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const { highs, lows, values } = this;
    this.highs = new Uint32Array(highs.length * 2);
    this.lows = new Uint32Array(highs.length * 2);
    this.values = new Float64Array(highs.length * 2);
    for (let slot = 0; slot < highs.length; slot++) {
      const high = highs[slot] as number;
      const low = lows[slot] as number;
      if (high === 0 && low === 0) continue;
      const to = this.slotOf(high, low);
      this.highs[to] = high;
      this.lows[to] = low;
      this.values[to] = values[slot] as number;
    }
  }
}
