import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { exportVictoriaMetrics, useVictoriaMetrics } from '../helpers/receivers.js';

const victoria = useVictoriaMetrics();

/** `2026-12-02 08:21:16`: how sysstat and many exports write a time, in UTC. */
function plainTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

describe('real dates in --timestamp-column, read back from VictoriaMetrics at the instant meant', () => {
  it('takes a date alone, a time with UTC, with an offset, and without a zone (UTC)', async () => {
    // Within VictoriaMetrics' retention: the last hour, whole seconds.
    const base = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
    const today = Date.UTC(new Date(base).getUTCFullYear(), new Date(base).getUTCMonth(), new Date(base).getUTCDate());
    const plusTwo = plainTime(base + 2 * 3_600_000 + 60_000);
    const rows = [
      ['date-alone', new Date(today).toISOString().slice(0, 10), today],
      ['sysstat', `${plainTime(base)} UTC`, base],
      ['offset', `${plusTwo} +0200`, base + 60_000],
      ['no-zone', plainTime(base + 120_000), base + 120_000],
    ] as const;
    const csv = `host,time,load\n${rows.map(([host, time], index) => `${host},${time},${index + 1}`).join('\n')}\n`;
    const result = await runCli(['-', '--remote-write', victoria.current().url, '-m', 'dated', '--timestamp-column', 'time', '--value-column', 'load'], { input: csv });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('warning');
    const stored = await exportVictoriaMetrics(victoria.current().url, '{__name__="dated_load"}', rows.length);
    const byHost = Object.fromEntries(stored.map((sample) => [sample.labels.host, sample.timestampMs]));
    expect(byHost).toEqual(Object.fromEntries(rows.map(([host, , ms]) => [host, ms])));
  });
});
