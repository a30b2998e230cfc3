import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Origins } from '../../src/metrics/origins.js';

describe('Origins (the first label set inline, a Map from the second)', () => {
  it('answers as a Map would, for any sequence of sets, gets and clears', () => {
    const step = fc.oneof(
      fc.record({ op: fc.constant('set' as const), key: fc.constantFrom('[]', '["a","1"]', '["a","2"]', ''), origin: fc.nat() }),
      fc.record({ op: fc.constant('clear' as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const origins = new Origins();
        const expected = new Map<string, number>();
        for (const one of steps) {
          if (one.op === 'clear') {
            origins.clear();
            expected.clear();
          } else {
            expect(origins.get(one.key)).toBe(expected.get(one.key));
            origins.set(one.key, one.origin);
            expected.set(one.key, one.origin);
          }
          expect(origins.size).toBe(expected.size);
          expect([...origins]).toEqual([...expected]);
        }
      }),
    );
  });
});
