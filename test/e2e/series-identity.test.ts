import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useGateway } from '../helpers/pushgateway.js';

const { gateway, uniqueJob } = useGateway();

describe('which rows are one series, end to end against a real Pushgateway', () => {
  it("refuses, pushing nothing, two label sets that prom-client's label hash would merge, naming both rows", async () => {
    const job = uniqueJob();
    const result = await runCli(['label_hash_collision.csv', '-j', job, '-g', gateway.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: label_hash_collision.csv:4: the labels of this row differ from those of line 2, but prom-client would store both as one series of label_hash_collision (values holding "," and ":" run together); change one of the values\n',
    );
    expect(await gateway.group({ job })).toBeUndefined();
  });

  it('an empty label value is the same series as a missing label: the later row wins, and says so', async () => {
    const job = uniqueJob();
    const result = await runCli(['empty_label_value.csv', 'without_zone_column.csv', '-m', 'hosts', '-j', job, '-g', gateway.url]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("warning: without_zone_column.csv:2: same labels as empty_label_value.csv line 2; this row's value replaces it");
    expect((await gateway.group({ job }))?.metrics.hosts?.samples).toEqual([{ labels: { host: 'web-1' }, value: 1 }]);
  });
});
