import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CsvPushError, preparePush, pushCsv, type PushCsvOptions } from '../../src/index.js';
import { fixture } from '../helpers/fixtures.js';
import { useGateway } from '../helpers/pushgateway.js';

const { gateway, uniqueJob } = useGateway();

function push(options: Partial<PushCsvOptions> & Pick<PushCsvOptions, 'sources' | 'job'>) {
  return pushCsv({ gateway: gateway.url, transport: { timeoutMs: 5000, retries: 0 }, metric: 'inline', valueColumns: ['used_bytes'], ...options });
}

const DISK_USAGE = readFileSync(fixture('disk-usage.csv'), 'utf8');
const EXPECTED = [
  { labels: { mount: '/' }, value: 1000 },
  { labels: { mount: '/home' }, value: 2000 },
];

describe('the library takes what callers hold', () => {
  it('reads streams of strings as well as of Buffers', async () => {
    const fileAsText = createReadStream(fixture('disk-usage.csv'));
    fileAsText.setEncoding('utf8');
    const streams: [string, Readable][] = [
      ['Readable.from([text])', Readable.from([DISK_USAGE])],
      ['a file stream after setEncoding', fileAsText],
      ['text in chunks that split a word', Readable.from(['mount,used_bytes\n/m\u00fc', 'nchen,1000\n'])],
      ['Buffers', Readable.from([Buffer.from(DISK_USAGE)])],
    ];
    for (const [name, stream] of streams) {
      const job = uniqueJob();
      const report = await push({ sources: [{ name, stream }], job });
      expect(report.pushed, name).toBe(true);
      const samples = (await gateway.group({ job }))?.metrics.inline_used_bytes?.samples;
      expect(samples, name).toEqual(name.startsWith('text in chunks') ? [{ labels: { mount: '/münchen' }, value: 1000 }] : EXPECTED);
    }
  });

  it('refuses strings that claim another encoding, and chunks that are neither strings nor Buffers', async () => {
    const latin1 = preparePush({ job: 'x', metric: 'inline', sources: [{ name: 'text', stream: Readable.from(['a,b\n1,2\n']) }], dialect: { encoding: 'latin1' } });
    await expect(latin1).rejects.toThrow('text gives strings, which are text already decoded; leave the encoding unset (it is latin1), or give a stream of Buffers');
    const objects = preparePush({ job: 'x', metric: 'inline', sources: [{ name: 'rows', stream: Readable.from([{ a: 1 }]) }] });
    await expect(objects).rejects.toThrow('rows gives object chunks; give a stream of strings or Buffers');
    await expect(objects).rejects.toBeInstanceOf(CsvPushError);
  });

  it('takes grouping labels as an object, in its order, as well as an array', async () => {
    const job = uniqueJob();
    const fromObject = await push({ sources: [{ path: fixture('disk-usage.csv') }], job, groupingLabels: { instance: 'web-1', path: '/srv/a' } });
    expect(fromObject.groupingLabels).toEqual([
      { name: 'instance', value: 'web-1' },
      { name: 'path', value: '/srv/a' },
    ]);
    expect((await gateway.group({ job, instance: 'web-1', path: '/srv/a' }))?.metrics.inline_used_bytes?.samples).toEqual(EXPECTED);
    const fromArray = await push({ sources: [{ path: fixture('disk-usage.csv') }], job, groupingLabels: [{ name: 'instance', value: 'web-1' }, { name: 'path', value: '/srv/a' }] });
    expect(fromArray.groupingLabels).toEqual(fromObject.groupingLabels);
    await expect(push({ sources: [{ path: fixture('disk-usage.csv') }], job, groupingLabels: { '1bad': 'x' } })).rejects.toThrow('"1bad" is not a valid label name');
  });

  it('a dry run needs no job; sending one without a job is refused', async () => {
    const prepared = await preparePush({ sources: [{ path: fixture('disk-usage.csv') }], metric: 'inline', valueColumns: ['used_bytes'] });
    expect(prepared.path).toBeUndefined();
    expect(prepared.report.job).toBeUndefined();
    expect([...prepared.body.chunks()].join('')).toContain('inline_used_bytes{mount="/home"} 2000');
    const { sendPush } = await import('../../src/index.js');
    await expect(sendPush(prepared)).rejects.toThrow('a push needs a job (--job); only a dry run can go without one');
  });
});
