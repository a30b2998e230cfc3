import { describe, expect, it } from 'vitest';
import { requireBinary } from '../../scripts/local-services.mjs';

describe('requireBinary', () => {
  it('says how to install a missing component instead of letting its tests pass or vanish', () => {
    expect(() => requireBinary('csv-push-no-such-binary', 'victoria-metrics')).toThrow(
      'csv-push-no-such-binary is not installed, and these tests need the real one: run `apt-get update && apt-get install -y victoria-metrics` (as .ci/run does)',
    );
  });

  it('finds the components the tests start', () => {
    for (const [binary, debianPackage] of [['prometheus', 'prometheus'], ['victoria-metrics', 'victoria-metrics'], ['vmagent', 'victoria-metrics'], ['prometheus-node-exporter', 'prometheus-node-exporter']] as const) {
      expect(() => requireBinary(binary, debianPackage)).not.toThrow();
    }
  });
});
