import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { exportVictoriaMetrics, queryPrometheus, usePrometheus, useVictoriaMetrics } from '../helpers/receivers.js';

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

/** The wall-clock time `ms` shows in `zone`, as `yyyy-MM-dd HH:mm:ss`: worked out by Node's Intl, not by the library under test. */
function wallClock(ms: number, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

describe('--timezone and --timestamp-format, read back from a real Prometheus at the instant meant', () => {
  const prometheus = usePrometheus();

  /** The time Prometheus holds for the series of `host`: timestamp() of its sample, asked a minute after `ms`. */
  async function storedTime(metric: string, host: string, ms: number): Promise<number | undefined> {
    const [found] = await queryPrometheus(prometheus.current().url, `timestamp(${metric}{host="${host}"})`, ms + 60_000);
    return found === undefined ? undefined : found.value * 1000;
  }

  it('times with a zone keep it; times without one are in --timezone; --timestamp-format reads a layout of its own', async () => {
    // Within Prometheus' head (the last hour): whole seconds, some minutes ago.
    const base = Math.floor((Date.now() - 20 * 60_000) / 1000) * 1000;
    const berlin = (ms: number) => wallClock(ms, 'Europe/Berlin');
    const rows = [
      ['utc-name', `${plainTime(base)} UTC`, base],
      ['offset', `${plainTime(base + 60_000 + 2 * 3_600_000)} +0200`, base + 60_000],
      ['rfc3339', new Date(base + 120_000).toISOString(), base + 120_000],
      ['no-zone', berlin(base + 180_000), base + 180_000],
      ['no-seconds', berlin(base + 240_000).slice(0, 16), Math.floor((base + 240_000) / 60_000) * 60_000],
    ] as const;
    const csv = `host,time,load\n${rows.map(([host, time], index) => `${host},${time},${index + 1}`).join('\n')}\n`;
    const url = `${prometheus.current().url}/api/v1/write`;
    const zoned = await runCli(['-', '--remote-write', url, '-m', 'zoned', '--timestamp-column', 'time', '--timezone', 'Europe/Berlin', '--value-column', 'load'], { input: csv });
    expect(zoned.code, zoned.stderr).toBe(0);
    expect(zoned.stderr).not.toContain('warning');
    for (const [host, , ms] of rows) expect(await storedTime('zoned_load', host, ms), host).toBe(ms);

    // The same zone-less cells without --timezone are UTC: an hour or two later than in Berlin.
    const utc = await runCli(['-', '--remote-write', url, '-m', 'as_utc', '--timestamp-column', 'time', '--value-column', 'load'], { input: `host,time,load\nno-zone,${plainTime(base + 300_000)},1\n` });
    expect(utc.code, utc.stderr).toBe(0);
    expect(await storedTime('as_utc_load', 'no-zone', base + 300_000)).toBe(base + 300_000);

    // A layout of the user's own: day first, dotted, a 12-hour clock, in Berlin.
    const german = (ms: number) => {
      const [date, time] = berlin(ms).split(' ') as [string, string];
      const [year, month, day] = date.split('-');
      const [hour, minute, second] = time.split(':').map(Number) as [number, number, number];
      return `${day}.${month}.${year} ${((hour + 11) % 12) + 1}:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')} ${hour < 12 ? 'AM' : 'PM'}`;
    };
    const layout = await runCli(
      ['-', '--remote-write', url, '-m', 'layout', '--timestamp-column', 'time', '--timestamp-format', 'dd.MM.yyyy h:mm:ss a', '--timezone', 'Europe/Berlin', '--value-column', 'load'],
      { input: `host,time,load\nlaid-out,${german(base + 360_000)},1\niso,${new Date(base).toISOString()},2\n` },
    );
    expect(layout.code, layout.stderr).toBe(0);
    expect(await storedTime('layout_load', 'laid-out', base + 360_000)).toBe(base + 360_000);
    // Only the layout is read: an RFC 3339 cell is no time by it, and says what was expected.
    expect(layout.stderr).toContain(`holds "${new Date(base).toISOString()}", not a time (use a time as --timestamp-format "dd.MM.yyyy h:mm:ss a" writes it, in Europe/Berlin); row skipped`);
  });

  it('refuses a zone Node does not know, a strftime layout, and either option without --timestamp-column', async () => {
    const url = `${prometheus.current().url}/api/v1/write`;
    const cases = [
      [['--timestamp-column', 'time', '--timezone', 'Mars/Olympus'], 'error: --timezone "Mars/Olympus" is no time zone this Node knows; give an IANA name such as Europe/Berlin, America/New_York or UTC'],
      [['--timestamp-column', 'time', '--timestamp-format', '%d.%m.%Y'], 'error: --timestamp-format "%d.%m.%Y" looks like strftime, but it takes Luxon\'s letters'],
      [['--timezone', 'Europe/Berlin'], "error: --timezone says how to read --timestamp-column's cells; name that column too (with --remote-write or --openmetrics)"],
    ] as const;
    for (const [args, message] of cases) {
      const result = await runCli(['-', '--remote-write', url, '-m', 'refused', '--value-column', 'load', ...args], { input: 'host,time,load\na,2024-01-01,1\n' });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });

  it('a sample older than Prometheus head takes is refused, "out of bounds", and the run says so (exit 1)', async () => {
    const url = `${prometheus.current().url}/api/v1/write`;
    // A sample of now puts the head here; a day earlier is far behind it.
    const now = await runCli(['-', '--remote-write', url, '-m', 'head_now', '--value-column', 'load'], { input: 'host,load\nnow,1\n' });
    expect(now.code, now.stderr).toBe(0);
    const dayAgo = plainTime(Date.now() - 86_400_000);
    const result = await runCli(['-', '--remote-write', url, '-m', 'too_old', '--timestamp-column', 'time', '--value-column', 'load'], { input: `host,time,load\nold,${dayAgo},1\n` });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('out of bounds');
  });
});
