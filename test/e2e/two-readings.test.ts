import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { exportVictoriaMetrics, queryPrometheus, usePrometheus, useVictoriaMetrics } from '../helpers/receivers.js';

// The destinations with times read their rows twice (src/pipeline/read-twice.ts). What users
// hand them that a second reading could get wrong: the same file twice, a pipe, a run killed
// half-way, rows newest first, times before 1970.

const work = mkdtempSync(join(tmpdir(), 'csv-push-two-readings-'));
// Ten minutes ago, whole minutes: recent enough for a fresh Prometheus' head.
const at = Math.floor((Date.now() - 600_000) / 60_000) * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
writeFileSync(join(work, 'two.csv'), `host,time,v\na,${iso(at)},1\nb,${iso(at)},2\n`);
// Newest first, as many exports sort: four samples of one series.
writeFileSync(join(work, 'newest-first.csv'), `host,time,v\n${[0, 1, 2, 3].map((minutes) => `a,${iso(at - minutes * 60_000)},${minutes}`).join('\n')}\n`);

const csvPushCopies = (directory: string) => readdirSync(directory).filter((name) => name.startsWith('csv-push-'));

describe('the two readings of the destinations with times', () => {
  const victoria = useVictoriaMetrics();
  const prometheus = usePrometheus();

  it('the same file given twice sends each sample once, and --openmetrics writes it', async () => {
    const sent = await runCli(['two.csv', 'two.csv', '--metric', 'twice', '--remote-write', victoria.current().url, '--value-column', 'v', '--timestamp-column', 'time', '--json'], { cwd: work });
    expect(sent.code, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ ok: true, rowsRead: 4, series: 2, samples: 2, samplesPushed: 2, duplicateRows: 2 });
    expect(sent.stderr).toContain("warning: two.csv is given more than once: its rows are read again, each repeating itself, and the last reading's values are kept\n");
    expect(sent.stderr).toContain('warning: two.csv:2: same labels and time as line 2');
    // A second look after a pause: a doubled send would show as four samples.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await exportVictoriaMetrics(victoria.current().url, '{__name__="twice_v"}', 3, 1000)).toHaveLength(2);

    const file = join(work, 'twice.om');
    const written = await runCli(['two.csv', 'two.csv', '--metric', 'twice', '--openmetrics', file, '--value-column', 'v', '--timestamp-column', 'time'], { cwd: work });
    expect(written.code, written.stderr).toBe(0);
    expect(readFileSync(file, 'utf8').split('\n').filter((line) => line.startsWith('twice_v{'))).toHaveLength(2);
  });

  it('a named pipe is copied for the second reading, as standard input is, and names the metric', async () => {
    const fifo = join(work, 'fifo.csv');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // The writer blocks until csv-push opens the pipe, and writes it once.
    const writer = spawn('sh', ['-c', `cat two.csv > ${fifo}`], { cwd: work });
    const tmp = mkdtempSync(join(tmpdir(), 'csv-push-fifo-tmp-'));
    const file = join(work, 'fifo.om');
    const result = await runCli([fifo, '--openmetrics', file, '--value-column', 'v', '--timestamp-column', 'time'], { cwd: work, env: { TMPDIR: tmp } });
    writer.kill();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('✔ wrote 2 series from 2 rows');
    expect(readFileSync(file, 'utf8')).toContain(`fifo_v{host="b"} 2 ${at / 1000}\n`);
    expect(csvPushCopies(tmp)).toEqual([]);
  });

  it('five named pipes, written one after another, are opened one at a time (opened at once, they hung)', async () => {
    const pipes = [1, 2, 3, 4, 5].map((number) => join(work, `pipe${number}.csv`));
    for (const pipe of pipes) expect(spawnSync('mkfifo', [pipe]).status).toBe(0);
    // More than a pipe's 64 KiB buffer each, so a writer waits for its reader.
    const rows = Array.from({ length: 6000 }, (_, index) => `h${index},${iso(at)},${index}`).join('\n');
    writeFileSync(join(work, 'pipe-rows.csv'), `host,time,v\n${rows}\n`);
    const writer = spawn('sh', ['-c', `for pipe in ${pipes.join(' ')}; do cat pipe-rows.csv > "$pipe"; done`], { cwd: work });
    const result = await runCli([...pipes, '--metric', 'pipes', '--openmetrics', join(work, 'pipes.om'), '--value-column', 'v', '--timestamp-column', 'time'], { cwd: work });
    writer.kill();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('✔ wrote 6,000 series from 30,000 rows, 24,000 duplicates');
  }, 60_000);

  it('a run ended by SIGTERM removes its copy of standard input, and dies of the signal', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'csv-push-signal-tmp-'));
    const child = spawn(process.execPath, [BIN, '-', '--metric', 'killed', '--openmetrics', join(work, 'killed.om'), '--timestamp-column', 'time'], {
      env: { PATH: process.env.PATH ?? '', TMPDIR: tmp },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    // Standard input stays open: the run waits in its first reading, its copy begun.
    child.stdin.write(`host,time\na,${iso(at)}\n`);
    const deadline = Date.now() + 15_000;
    while (csvPushCopies(tmp).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(csvPushCopies(tmp)).toHaveLength(1);
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    child.kill('SIGTERM');
    expect(await ended).toBe('SIGTERM');
    expect(csvPushCopies(tmp)).toEqual([]);
    expect(existsSync(join(work, 'killed.om'))).toBe(false);
  });

  it('rows newest first reach Prometheus whole: each request sends a series oldest first', async () => {
    const result = await runCli(['newest-first.csv', '--metric', 'newest', '--remote-write', prometheus.current().url, '--value-column', 'v', '--timestamp-column', 'time'], { cwd: work });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('✔ sent 4 samples of 1 series from 4 rows in 1 batch');
    // Before the fix, Prometheus answered 204 and kept 1 of the 4.
    expect(await queryPrometheus(prometheus.current().url, 'count_over_time(newest_v[10m])', at + 1000)).toMatchObject([{ value: 4 }]);
  });

  it('rows newest first across batches: Prometheus refuses the later batch, and the message says how to send them', async () => {
    const result = await runCli(['newest-first.csv', '--metric', 'newest_batches', '--remote-write', prometheus.current().url, '--value-column', 'v', '--timestamp-column', 'time', '--batch-size', '2'], { cwd: work });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('out of order sample (batch 2): Prometheus takes a series\' samples oldest first');
    expect(result.stderr).toContain('sort the rows by time, oldest first, or pass --batch-size above the run\'s sample count');
    expect(result.stderr).toContain('the run stopped there, and the 2 samples of the batch accepted before were stored');
  });

  it('a sample older than one an earlier run stored: the first batch\'s refusal names the earlier run', async () => {
    writeFileSync(join(work, 'older.csv'), `host,time,v\na,${iso(at - 9 * 60_000)},9\n`);
    const result = await runCli(['older.csv', '--metric', 'newest', '--remote-write', prometheus.current().url, '--value-column', 'v', '--timestamp-column', 'time'], { cwd: work });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('out of order sample: Prometheus already holds a later sample of this series (from an earlier run?)');
  });

  it('a time before 1970 skips its row, naming it', async () => {
    writeFileSync(join(work, 'old.csv'), `host,time,v\na,1969-12-31,1\nb,${iso(at)},2\n`);
    const file = join(work, 'old.om');
    const result = await runCli(['old.csv', '--openmetrics', file, '--value-column', 'v', '--timestamp-column', 'time'], { cwd: work });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('warning: old.csv:2: column 2 ("time") holds "1969-12-31", a time before 1970-01-01, which Prometheus cannot store; row skipped');
    expect(readFileSync(file, 'utf8')).not.toContain('host="a"');
  });

  it('--strict says nothing was written; --openmetrics - is refused', async () => {
    const strict = await runCli(['two.csv', 'two.csv', '--openmetrics', join(work, 'strict.om'), '--value-column', 'v', '--timestamp-column', 'time', '--strict'], { cwd: work });
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain("repeat an earlier row's labels; nothing was written.");
    const dash = await runCli(['two.csv', '--openmetrics', '-', '--timestamp-column', 'time'], { cwd: work });
    expect(dash.code).toBe(2);
    expect(dash.stderr).toContain('--openmetrics takes a file path, not "-"');
    expect(existsSync(join(work, '-'))).toBe(false);
  });
});
