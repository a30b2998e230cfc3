import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTextfilePath, writeTextfile } from '../../src/textfile/write-textfile.js';
import { failure } from '../helpers/failure.js';
import { scrapeNodeExporter, useNodeExporter } from '../helpers/receivers.js';

const directory = mkdtempSync(join(tmpdir(), 'csv-push-textfile-'));
const nodeExporter = useNodeExporter(directory);

/** What node_exporter made of the textfiles in one scrape. */
function readScrape(text: string, metric: string): { scrapeError: string | undefined; samples: string[] } {
  const lines = text.split('\n');
  return {
    scrapeError: lines.find((line) => line.startsWith('node_textfile_scrape_error '))?.split(' ')[1],
    samples: lines.filter((line) => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `)),
  };
}

/** A textfile of `count` series, all carrying `version`, so a mix of two files would show. */
function bigTextfile(metric: string, count: number, version: string): string {
  const lines = [`# HELP ${metric} rows of a big file`, `# TYPE ${metric} gauge`];
  for (let index = 0; index < count; index++) lines.push(`${metric}{host="host-${index}",version="${version}",pad="${'x'.repeat(40)}"} ${index}`);
  return `${lines.join('\n')}\n`;
}

describe('--textfile for node_exporter\'s textfile collector (real node_exporter)', () => {
  it('writes a file node_exporter exposes, and replaces it on the next run', async () => {
    const path = join(directory, 'disk_usage.prom');
    await writeTextfile(path, '# HELP disk_usage d\n# TYPE disk_usage gauge\ndisk_usage{job="nightly",mount="/"} 0.5\n');
    let scrape = readScrape(await scrapeNodeExporter(nodeExporter.current().url), 'disk_usage');
    expect(scrape).toEqual({ scrapeError: '0', samples: ['disk_usage{job="nightly",mount="/"} 0.5'] });
    await writeTextfile(path, Buffer.from('# HELP disk_usage d\n# TYPE disk_usage gauge\ndisk_usage{job="nightly",mount="/srv"} 0.75\n'));
    scrape = readScrape(await scrapeNodeExporter(nodeExporter.current().url), 'disk_usage');
    expect(scrape).toEqual({ scrapeError: '0', samples: ['disk_usage{job="nightly",mount="/srv"} 0.75'] });
    expect(readdirSync(directory).filter((name) => name.includes('disk_usage'))).toEqual(['disk_usage.prom']);
  });

  it('the scrape check notices a file caught half-written (what a plain write risks)', async () => {
    const metric = 'half_written';
    const text = bigTextfile(metric, 2000, 'a');
    const handle = await open(join(directory, `${metric}.prom`), 'w');
    try {
      await handle.write(text.slice(0, Math.floor(text.length / 2)));
      const scrape = readScrape(await scrapeNodeExporter(nodeExporter.current().url), metric);
      // Cut inside a line the file does not parse; cut at a line end it would hold fewer series.
      expect(scrape.scrapeError === '1' || scrape.samples.length < 2000).toBe(true);
    } finally {
      await handle.close();
    }
    await writeTextfile(join(directory, `${metric}.prom`), '');
  });

  it('never lets a scrape see part of a large file while it is rewritten over and over', async () => {
    const metric = 'atomic_rewrite';
    const count = 20_000;
    const versions = ['a', 'b'].map((version) => bigTextfile(metric, count, version));
    const path = join(directory, `${metric}.prom`);
    await writeTextfile(path, versions[0] as string);
    let writing = true;
    let rewrites = 0;
    const writer = (async () => {
      while (writing) await writeTextfile(path, versions[++rewrites % 2] as string);
    })();
    const seen = new Set<string>();
    let scrapes = 0;
    try {
      const until = Date.now() + 4000;
      while (Date.now() < until || scrapes < 10) {
        const scrape = readScrape(await scrapeNodeExporter(nodeExporter.current().url), metric);
        scrapes++;
        expect(scrape.scrapeError).toBe('0');
        expect(scrape.samples).toHaveLength(count);
        const inScrape = new Set(scrape.samples.map((line) => /version="(\w)"/.exec(line)?.[1]));
        expect(inScrape.size).toBe(1);
        seen.add([...inScrape][0] as string);
      }
    } finally {
      writing = false;
      await writer;
    }
    // Both versions were scraped: the file really changed under the scrapes.
    expect(seen).toEqual(new Set(['a', 'b']));
    expect(rewrites).toBeGreaterThan(2);
    expect(readdirSync(directory).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    await writeTextfile(path, '');
  });

  it('refuses a path that does not end in .prom, saying why, and writes nothing', async () => {
    for (const path of [join(directory, 'metrics.txt'), join(directory, '.prom'), join(directory, 'metrics.prom.bak')]) {
      const error = await failure(writeTextfile(path, 'x 1\n'));
      expect(error.code).toBe('USAGE');
      expect(error.message).toContain("the name must end in .prom, because node_exporter's textfile collector reads only *.prom files");
    }
    expect(() => checkTextfilePath(join(directory, 'metrics.txt'))).toThrow(`e.g. --textfile ${directory}/metrics.prom`);
    expect(readdirSync(directory).filter((name) => name.startsWith('metrics') || name.endsWith('.tmp'))).toEqual([]);
  });

  it('fails when the directory is missing, and says what to do', async () => {
    const error = await failure(writeTextfile(join(directory, 'missing', 'x.prom'), 'x 1\n'));
    expect(error.code).toBe('WRITE_FAILED');
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(
      `cannot write ${join(directory, 'missing', 'x.prom')}: the directory ${join(directory, 'missing')} does not exist; create it, or point --textfile at node_exporter's --collector.textfile.directory; the previous file, if any, is unchanged`,
    );
  });

  it('removes its temporary file and keeps the old target when the rename fails', async () => {
    const own = mkdtempSync(join(tmpdir(), 'csv-push-textfile-fail-'));
    // A directory where the file should go: the temporary file is written, the rename fails.
    mkdirSync(join(own, 'taken.prom'));
    writeFileSync(join(own, 'taken.prom', 'keep'), 'old');
    const error = await failure(writeTextfile(join(own, 'taken.prom'), 'x 1\n'));
    expect(error.code).toBe('WRITE_FAILED');
    expect(error.message).toContain(`${join(own, 'taken.prom')} is a directory; name a file ending in .prom`);
    expect(readdirSync(own)).toEqual(['taken.prom']);
    expect(readFileSync(join(own, 'taken.prom', 'keep'), 'utf8')).toBe('old');
  });
});
