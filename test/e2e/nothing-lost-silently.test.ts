import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { measureCli } from '../helpers/peak-rss.js';
import { useGateway } from '../helpers/pushgateway.js';

const { gateway, uniqueJob } = useGateway();
const dir = mkdtempSync(join(tmpdir(), 'csv-push-lost-'));

/** Pushes the example first, so a later run that must not touch the group can be checked against it. */
async function groupWithYesterday(): Promise<{ job: string; before: unknown }> {
  const job = uniqueJob();
  expect((await runCli(['example_data.csv', '-j', job, '-g', gateway.url])).code).toBe(0);
  return { job, before: await gateway.group({ job }) };
}

describe('no series vanishes without a word, end to end against a real Pushgateway', () => {
  it('refuses a gauge the gateway would replace with push_time_seconds or push_failure_time_seconds', async () => {
    const { job, before } = await groupWithYesterday();
    writeFileSync(join(dir, 'push_time_seconds.csv'), 'host\nweb-1\n');
    const fromFileName = await runCli([join(dir, 'push_time_seconds.csv'), '-j', job, '-g', gateway.url]);
    expect(fromFileName.code).toBe(2);
    expect(fromFileName.stderr).toContain('error: the gauge would be named push_time_seconds, a name the Pushgateway uses for a series of its own');
    const fromOption = await runCli(['example_data.csv', '-m', 'push_failure_time_seconds', '-j', job, '-g', gateway.url]);
    expect(fromOption.code).toBe(2);
    expect(await gateway.group({ job })).toEqual(before);

    writeFileSync(join(dir, 'long.csv'), 'metric,value\npush_time_seconds,5\nqueue_depth,7\n');
    const fromColumn = await runCli([join(dir, 'long.csv'), '--metric-column', 'metric', '--value-column', 'value', '-j', job, '-g', gateway.url]);
    expect(fromColumn.code).toBe(0);
    expect(fromColumn.stderr).toContain('long.csv:2: column 1 ("metric") names push_time_seconds, which the Pushgateway uses for a series of its own that would replace it; row skipped');
    expect((await gateway.group({ job }))?.metrics).toEqual({ queue_depth: { type: 'GAUGE', help: expect.any(String), samples: [{ labels: {}, value: 7 }] } });
  });

  it('refuses UTF-16LE text with a lone surrogate or a trailing odd byte, as it refuses bad UTF-8', async () => {
    const { job, before } = await groupWithYesterday();
    const lone = await runCli(['utf16le_lone_surrogate.csv', '--encoding', 'utf-16le', '-j', job, '-g', gateway.url]);
    expect(lone.code).toBe(2);
    expect(lone.stderr).toBe("error: utf16le_lone_surrogate.csv:3: the text is not valid UTF-16LE (a lone surrogate); check the file's encoding and pass the right --encoding\n");
    const odd = await runCli(['utf16le_odd_byte.csv', '--encoding', 'utf-16le', '-j', job, '-g', gateway.url]);
    expect(odd.code).toBe(2);
    expect(odd.stderr).toContain('error: utf16le_odd_byte.csv:3: the file ends in the middle of a UTF-16 character');
    expect(await gateway.group({ job })).toEqual(before);
  });

  it('refuses a file with lone-CR line endings instead of clearing the group with it', async () => {
    const { job, before } = await groupWithYesterday();
    const result = await runCli(['lone_cr_line_endings.csv', '-j', job, '-g', gateway.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('lone_cr_line_endings.csv:1: column 2 header holds a carriage return: the file seems to end its lines with CR alone');
    expect(await gateway.group({ job })).toEqual(before);
  });

  it('says when a value is beyond a 64-bit float and is pushed as +Inf, -Inf or 0', async () => {
    const job = uniqueJob();
    writeFileSync(join(dir, 'huge.csv'), 'host,v\na,1e999\nb,-1e400\nc,2.5\n');
    const result = await runCli([join(dir, 'huge.csv'), '--value-column', 'v', '-m', 'huge', '-j', job, '-g', gateway.url]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('huge.csv:2: column 2 ("v") holds 1e999, beyond the range of a 64-bit float, so it is pushed as +Inf (1 more value like it)');
    expect((await gateway.group({ job }))?.metrics.huge_v?.samples.map((sample) => sample.value)).toEqual([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      2.5,
    ]);
  });

  it('keeps memory proportional to the series when every row names its own metric', () => {
    const lines = ['metric,value'];
    for (let index = 0; index < 50_000; index++) lines.push(`m${index},${index}`);
    writeFileSync(join(dir, 'many_names.csv'), `${lines.join('\n')}\n`);
    const small = measureCli([join(dir, 'many_names.csv'), '--metric-column', 'metric', '--value-column', 'value', '-j', 'x', '--dry-run', '-q'], dir);
    expect(small.exitCode).toBe(0);
    // Before prom-client held the gauges, 100,000 names took 4.0 GB; now about 3 KB per gauge.
    // Quiet machine: 153, 165 and 204 MB on Node.js 20, 22 and 24 (docs/performance.md).
    console.log(`peak RSS, 50,000 metric names, Node.js ${process.versions.node}: ${small.maxRssMb.toFixed(1)} MB`);
    expect(small.maxRssMb).toBeLessThan(300);
  });
});
