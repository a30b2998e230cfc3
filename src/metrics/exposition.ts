import { Registry, type Metric } from 'prom-client';
import type { GaugeFamily, SeriesSet } from './series-set.js';

/**
 * prom-client's Registry defines the exposition text; the samples come from our own SeriesSet
 * (see GaugeFamily.set for why not prom-client's Gauge), offered through the shape
 * `Registry` reads from any metric: `name` plus `get()`.
 */
function asPromClientMetric(family: GaugeFamily): Metric {
  const view = {
    name: family.name,
    help: family.help,
    get: async () => ({
      name: family.name,
      help: family.help,
      type: 'gauge',
      values: Array.from(family.samples(), (sample) => ({ labels: sample.labels, value: sample.value })),
      aggregator: 'sum',
    }),
  };
  return view as unknown as Metric;
}

export function buildRegistry(seriesSet: SeriesSet): Registry {
  const registry = new Registry();
  for (const family of seriesSet.families()) registry.registerMetric(asPromClientMetric(family));
  return registry;
}

export async function renderExposition(seriesSet: SeriesSet): Promise<string> {
  return buildRegistry(seriesSet).metrics();
}
