import { grown } from './typed-arrays.js';

/**
 * The rendered label sets of one gauge (`{host="a",region="eu"}`), stored as UTF-8 bytes in one
 * growing buffer, with an open-addressing hash table to find a set seen before. A million series
 * would otherwise be a million strings on the JavaScript heap, which every garbage collection
 * walks; here they are a few large buffers it does not look into.
 */
export class LabelStore {
  private bytes = Buffer.allocUnsafe(1 << 16);
  /** Bytes of the stored sets; set i spans starts[i] to starts[i + 1] (or `used`, for the last). */
  private used = 0;
  private starts = new Uint32Array(1024);
  private hashes = new Uint32Array(1024);
  private count = 0;
  /** Slots hold index + 1, 0 meaning empty; kept at most half full. */
  private slots = new Uint32Array(2048);

  get size(): number {
    return this.count;
  }

  /** Returns the index of this label set, adding it if it is new; `added` tells which. */
  intern(labelsText: string): { index: number; added: boolean } {
    const hash = hashString(labelsText);
    const start = this.used;
    this.reserve(labelsText.length * 3);
    const length = this.bytes.write(labelsText, start, 'utf8');
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (let entry = this.slots[slot] as number; entry !== 0; entry = this.slots[slot] as number) {
      const index = entry - 1;
      if (this.hashes[index] === hash && this.equalsStored(index, start, length)) return { index, added: false };
      slot = (slot + 1) & mask;
    }
    const index = this.count;
    this.ensureEntries(index + 1);
    this.starts[index] = start;
    this.hashes[index] = hash;
    this.slots[slot] = index + 1;
    this.used = start + length;
    this.count = index + 1;
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    return { index, added: true };
  }

  byteLength(index: number): number {
    return this.end(index) - (this.starts[index] as number);
  }

  /** Copies the bytes of set `index` into `target` at `at`; returns how many it copied. */
  copyTo(index: number, target: Buffer, at: number): number {
    return this.bytes.copy(target, at, this.starts[index] as number, this.end(index));
  }

  textAt(index: number): string {
    return this.bytes.toString('utf8', this.starts[index] as number, this.end(index));
  }

  private end(index: number): number {
    return index + 1 < this.count ? (this.starts[index + 1] as number) : this.used;
  }

  private equalsStored(index: number, start: number, length: number): boolean {
    const storedStart = this.starts[index] as number;
    return this.end(index) - storedStart === length && this.bytes.compare(this.bytes, start, start + length, storedStart, storedStart + length) === 0;
  }

  private reserve(extra: number): void {
    if (this.used + extra <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + extra));
    this.bytes.copy(grown, 0, 0, this.used);
    this.bytes = grown;
  }

  private ensureEntries(needed: number): void {
    if (needed <= this.starts.length) return;
    this.starts = grown(this.starts, this.starts.length * 2);
    this.hashes = grown(this.hashes, this.hashes.length * 2);
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
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
