import { describe, expect, it } from 'vitest';
import { hashString, LabelStore } from '../../src/metrics/label-store.js';

/** Two different label sets with the same 32-bit hash, found by brute force (a birthday search). */
function collidingPair(): [string, string] {
  const seen = new Map<number, string>();
  for (let index = 0; ; index++) {
    const text = `{i="${index}"}`;
    const hash = hashString(text);
    const earlier = seen.get(hash);
    if (earlier !== undefined) return [earlier, text];
    seen.set(hash, text);
  }
}

describe('LabelStore', () => {
  it('finds a set again whether it is still pending or already written, across many batches', () => {
    const store = new LabelStore();
    const texts = Array.from({ length: 5000 }, (_, index) => `{host="web-${index}",zone="${index % 7}"}`);
    texts.forEach((text, index) => expect(store.intern(text)).toEqual({ index, added: true }));
    expect(store.intern(texts[4999] as string)).toEqual({ index: 4999, added: false });
    expect(store.intern(texts[3] as string)).toEqual({ index: 3, added: false });
    expect(store.size).toBe(5000);
    expect(store.textAt(1234)).toBe(texts[1234]);
  });

  it('keeps non-ASCII sets byte-exact', () => {
    const store = new LabelStore();
    const texts = ['{city="Zürich"}', '{city="東京"}', '{emoji="🚀"}', '{plain="a"}'];
    for (const text of texts) store.intern(text);
    expect(texts.map((_, index) => store.textAt(index))).toEqual(texts);
    const target = Buffer.alloc(64);
    const length = store.copyTo(1, target, 3);
    expect(length).toBe(store.byteLength(1));
    expect(target.toString('utf8', 3, 3 + length)).toBe('{city="東京"}');
    expect(store.intern('{city="東京"}')).toEqual({ index: 1, added: false });
  });

  it('tells apart different sets that share a hash, pending or written', () => {
    const [first, second] = collidingPair();
    expect(hashString(first)).toBe(hashString(second));
    const pendingStore = new LabelStore();
    expect(pendingStore.intern(first)).toEqual({ index: 0, added: true });
    expect(pendingStore.intern(second)).toEqual({ index: 1, added: true });
    expect(pendingStore.intern(second)).toEqual({ index: 1, added: false });

    const writtenStore = new LabelStore();
    writtenStore.intern(first);
    expect(writtenStore.textAt(0)).toBe(first); // writes the pending batch
    expect(writtenStore.intern(second)).toEqual({ index: 1, added: true });
    expect(writtenStore.intern(first)).toEqual({ index: 0, added: false });
    expect([writtenStore.textAt(0), writtenStore.textAt(1)]).toEqual([first, second]);
  });
});
