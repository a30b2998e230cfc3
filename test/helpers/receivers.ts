import { afterAll, beforeAll, expect } from 'vitest';
import {
  startLocalNodeExporter,
  startLocalPrometheus,
  startLocalVictoriaMetrics,
  startLocalVmagent,
  type LocalService,
  type ServiceOptions,
} from '../../scripts/local-services.mjs';
import { getJson, type GetOptions } from './http-get.js';

export type { LocalService } from '../../scripts/local-services.mjs';

/** A stored sample as a receiver gives it back: its labels (`__name__` included), value and time. */
export interface StoredSample {
  readonly labels: Record<string, string>;
  readonly value: number;
  readonly timestampMs: number;
}

/** A real service for the test file that calls it: started before its tests, stopped after. */
export function useService(start: () => Promise<LocalService>): { current(): LocalService } {
  let running: LocalService | undefined;
  beforeAll(async () => {
    running = await start();
  }, 60_000);
  afterAll(async () => {
    await running?.stop();
  });
  return {
    current: () => {
      if (running === undefined) throw new Error('the service is not running yet: use it inside a test');
      return running;
    },
  };
}

export const usePrometheus = (options?: ServiceOptions) => useService(() => startLocalPrometheus(options));
export const useVictoriaMetrics = () => useService(() => startLocalVictoriaMetrics());
/** vmagent replicating to each URL that `remoteWriteUrls()` gives when its turn to start comes. */
export const useVmagent = (remoteWriteUrls: () => readonly string[]) => useService(() => startLocalVmagent({ remoteWriteUrls: remoteWriteUrls() }));

/**
 * One of vmagent's own counters for its `position`th -remoteWrite.url (1 for the first), read from
 * its /metrics page, where URLs are hidden as `<position>:secret-url`; `otherLabels` such as
 * `status_code="2XX"` pick one of its lines. 0 before it first counts.
 */
export async function vmagentCounter(baseUrl: string, name: string, position: number, otherLabels = ''): Promise<number> {
  const page = await (await fetch(`${baseUrl}/metrics`)).text();
  const series = `${name}{url="${position}:secret-url"${otherLabels === '' ? '' : `, ${otherLabels}`}} `;
  const line = page.split('\n').find((text) => text.startsWith(series));
  return line === undefined ? 0 : Number(line.slice(series.length));
}

/**
 * Prometheus' instant query at `atMs`: what a dashboard would show then. Its 5-minute lookback
 * finds a sample stored at `atMs` or shortly before.
 */
export async function queryPrometheus(baseUrl: string, promql: string, atMs: number, options?: GetOptions): Promise<StoredSample[]> {
  const url = `${baseUrl}/api/v1/query?query=${encodeURIComponent(promql)}&time=${atMs / 1000}`;
  const json = (await getJson(url, options)) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return json.data.result.map((entry) => ({
    labels: entry.metric,
    value: Number(entry.value[1]),
    timestampMs: Math.round(entry.value[0] * 1000),
  }));
}

/**
 * Every raw sample VictoriaMetrics holds for the series selector, through /api/v1/export.
 * Ingested rows wait in buffers for about a second before a search finds them, and under load
 * some longer: force_flush, then read again until `expected` samples are there (or `waitMs`
 * pass, and the test sees what was there).
 */
export async function exportVictoriaMetrics(baseUrl: string, selector: string, expected = 1, waitMs = 15_000): Promise<StoredSample[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const samples = await exportOnce(baseUrl, selector);
    if (samples.length >= expected || Date.now() > deadline) return samples;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function exportOnce(baseUrl: string, selector: string): Promise<StoredSample[]> {
  const flushed = await fetch(`${baseUrl}/internal/force_flush`);
  if (!flushed.ok) throw new Error(`force_flush: ${flushed.status}`);
  const response = await fetch(`${baseUrl}/api/v1/export?match[]=${encodeURIComponent(selector)}`);
  if (!response.ok) throw new Error(`export: ${response.status} ${await response.text()}`);
  const samples: StoredSample[] = [];
  for (const line of (await response.text()).split('\n')) {
    if (line === '') continue;
    const series = JSON.parse(quoteInfinities(line)) as { metric: Record<string, string>; values: (number | string)[]; timestamps: number[] };
    series.values.forEach((value, index) => samples.push({ labels: series.metric, value: typeof value === 'number' ? value : value === '-Inf' ? -Infinity : Infinity, timestampMs: series.timestamps[index] ?? Number.NaN }));
  }
  return samples;
}

/**
 * VictoriaMetrics writes infinite values as bare `+Inf` and `-Inf`, which JSON has no word for:
 * quoted here, then read as numbers. Only the values array is touched (it comes after the labels).
 */
function quoteInfinities(line: string): string {
  const start = line.lastIndexOf('"values":[');
  if (start < 0) return line;
  const end = line.indexOf(']', start);
  const values = line.slice(start, end).replace(/([[,])([+-]Inf)(?=[,\]]|$)/g, '$1"$2"');
  return line.slice(0, start) + values + line.slice(end);
}

/** Rows without --timestamp-column: every sample carries one time, taken when the run started (at or after `startedBefore`, not in the future). */
export function expectOneRunTime(samples: readonly StoredSample[], startedBefore: number): void {
  const times = new Set(samples.map((sample) => sample.timestampMs));
  expect(times.size).toBe(1);
  expect([...times][0]).toBeGreaterThanOrEqual(startedBefore);
  expect([...times][0]).toBeLessThanOrEqual(Date.now());
}

/** Sorts samples by their labels and time, so tests can compare whole lists. */
export function sortSamples(samples: readonly StoredSample[]): StoredSample[] {
  const key = (sample: StoredSample) =>
    `${JSON.stringify(Object.entries(sample.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}@${sample.timestampMs}`;
  return [...samples].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** node_exporter for a test file, exposing the `*.prom` files of `textfileDirectory`. */
export const useNodeExporter = (textfileDirectory: string) => useService(() => startLocalNodeExporter({ textfileDirectory }));

/** One scrape of node_exporter's /metrics, as Prometheus would take it. */
export async function scrapeNodeExporter(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (!response.ok) throw new Error(`scrape: ${response.status}`);
  return response.text();
}
