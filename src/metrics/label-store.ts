import { grown } from './typed-arrays.js';

/** Label sets are written to the byte buffer in batches of this many: one write instead of many. */
const BATCH = 1024;

/**
 * The rendered label sets of one gauge (`{host="a",region="eu"}`), stored as UTF-8 bytes in one
 * growing buffer, with an open-addressing hash table to find a set seen before. A million series
 * would otherwise be a million strings on the JavaScript heap, which every garbage collection
 * walks; here they are a few large buffers it does not look into. New sets wait as strings in a
 * small batch, written to the buffer together.
 */
export class LabelStore {
  private bytes = Buffer.allocUnsafe(1 << 16);
  /** Bytes of the written sets; set i spans starts[i] to starts[i + 1] (or `used`, for the last). */
  private used = 0;
  private starts = new Uint32Array(1024);
  private hashes = new Uint32Array(1024);
  private count = 0;
  /** Sets from index `written` on, not yet in `bytes`. */
  private pending: string[] = [];
  private written = 0;
  /** Slots hold index + 1, 0 meaning empty; kept at most half full. */
  private slots = new Uint32Array(2048);

  get size(): number {
    return this.count;
  }

  /** Returns the index of this label set, adding it if it is new; `added` tells which. */
  intern(labelsText: string): { index: number; added: boolean } {
    const hash = hashString(labelsText);
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (let entry = this.slots[slot] as number; entry !== 0; entry = this.slots[slot] as number) {
      const index = entry - 1;
      if (this.hashes[index] === hash && this.equals(index, labelsText)) return { index, added: false };
      slot = (slot + 1) & mask;
    }
    const index = this.count;
    if (index >= this.hashes.length) {
      this.starts = grown(this.starts, this.starts.length * 2);
      this.hashes = grown(this.hashes, this.hashes.length * 2);
    }
    this.hashes[index] = hash;
    this.slots[slot] = index + 1;
    this.count = index + 1;
    this.pending.push(labelsText);
    if (this.pending.length >= BATCH) this.flush();
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    return { index, added: true };
  }

  byteLength(index: number): number {
    this.flush();
    return this.end(index) - (this.starts[index] as number);
  }

  /** Copies the bytes of set `index` into `target` at `at`; returns how many it copied. */
  copyTo(index: number, target: Buffer, at: number): number {
    this.flush();
    return this.bytes.copy(target, at, this.starts[index] as number, this.end(index));
  }

  textAt(index: number): string {
    this.flush();
    return this.bytes.toString('utf8', this.starts[index] as number, this.end(index));
  }

  private end(index: number): number {
    return index + 1 < this.written ? (this.starts[index + 1] as number) : this.used;
  }

  private equals(index: number, labelsText: string): boolean {
    if (index >= this.written) return this.pending[index - this.written] === labelsText;
    // A written set: compare bytes, writing the candidate just past the end, uncommitted.
    this.reserve(labelsText.length * 3);
    const length = this.bytes.write(labelsText, this.used, 'utf8');
    const start = this.starts[index] as number;
    return this.end(index) - start === length && this.bytes.compare(this.bytes, this.used, this.used + length, start, start + length) === 0;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const joined = this.pending.join('');
    this.reserve(joined.length * 3);
    const length = this.bytes.write(joined, this.used, 'utf8');
    let start = this.used;
    // ASCII, the usual case: bytes and characters agree, so the lengths need no encoding.
    const ascii = length === joined.length;
    for (let offset = 0; offset < this.pending.length; offset++) {
      const text = this.pending[offset] as string;
      this.starts[this.written + offset] = start;
      start += ascii ? text.length : Buffer.byteLength(text, 'utf8');
    }
    this.used += length;
    this.written += this.pending.length;
    this.pending = [];
  }

  private reserve(extra: number): void {
    if (this.used + extra <= this.bytes.length) return;
    const larger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + extra));
    this.bytes.copy(larger, 0, 0, this.used);
    this.bytes = larger;
  }

  private rehash(capacity: number): void {
    const slots = new Uint32Array(capacity);
    const mask = capacity - 1;
    for (let index = 0; index < this.count; index++) {
      let slot = (this.hashes[index] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = index + 1;
    }
    this.slots = slots;
  }
}

/** FNV-1a over UTF-16 code units: cheap, and spread well enough for a probing table. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
