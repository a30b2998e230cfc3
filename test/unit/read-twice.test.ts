import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReadTwice } from '../../src/pipeline/read-twice.js';

describe('ReadTwice', () => {
  it('refuses a second reading of a file that changed after the first', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'csv-push-read-twice-')), 'growing.csv');
    writeFileSync(path, 'host,v\na,1\n');
    const twice = new ReadTwice([{ path }]);
    await twice.first();
    // The second reading stops where the first one ended.
    expect(twice.second()).toEqual([{ path, inChunks: true, bytes: 11 }]);
    // A writer still appending, as a cron job racing an export can be.
    appendFileSync(path, 'b,2\n');
    expect(() => twice.second()).toThrow(`${path} changed while it was read (rows are read twice for this destination); nothing was sent or written`);
    await twice.remove();
  });
});
