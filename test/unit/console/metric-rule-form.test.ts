import { describe, expect, it } from 'vitest';
import { builderBodyOf, builderFormOf, type BuilderKind, durationsBodyOf, durationsFormOf, levelBodyOf, metricPaths } from '../../../console/src/metric-rule-form.js';
import { clusterGroupBodySchema, namespaceGroupBodySchema } from '../../../lib/metric-rules/rule-group.js';

/** The builder's body in a rule of the group level that takes it, as the API parses it. */
function parsedBuilder(kind: BuilderKind, exprBuilder: Record<string, unknown>) {
  const rules = [{ alert: 'A', exprBuilder }];
  const parsed = kind === 'workload' ? namespaceGroupBodySchema.safeParse({ namespace: 'shop', rules }) : clusterGroupBodySchema.safeParse({ cluster: 'prod-eu', rules });
  return parsed.success ? { builder: parsed.data.rules[0]!.exprBuilder } : { issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) };
}

describe("a metric rule's builder and levels as the console's form holds them", () => {
  it.each(['workload', 'node'] as const)('writes a %s builder the API takes for every metric it offers, and reads it back as written', (kind) => {
    for (const metric of metricPaths(kind)) {
      const form = { kind: kind === 'workload' ? 'statefulset' : '', names: 'web, db ', comparator: '>=', metric, threshold: '0.8' };
      const parsed = parsedBuilder(kind, builderBodyOf(kind, form));
      expect(parsed, metric).toHaveProperty('builder');
      expect(builderFormOf(parsed.builder!)).toEqual({ ...form, names: 'web, db' });
    }
  });

  it('sends a threshold it cannot read as typed, so the API names the field', () => {
    const parsed = parsedBuilder('node', builderBodyOf('node', { kind: '', names: 'n1', comparator: '>', metric: 'cpu.utilization', threshold: 'high' }));
    expect(parsed.issues).toEqual([expect.stringMatching(/^rules\.0\.exprBuilder\.node\.cpu\.utilization: .*number/)]);
    expect(levelBodyOf({ comparator: '>', threshold: ' 2.5 ', severity: 'error' })).toEqual({ comparator: '>', threshold: 2.5, severity: 'error' });
    expect(levelBodyOf({ comparator: '>', threshold: '', severity: 'error' })).toEqual({ comparator: '>', threshold: '', severity: 'error' });
  });

  it("writes a rule's for and keep_firing_for the API takes, reads them back as written, and leaves an empty one out", () => {
    const parsed = namespaceGroupBodySchema.parse({ namespace: 'shop', rules: [{ alert: 'A', expr: 'up == 0', ...durationsBodyOf({ for: ' 5m', keepFiringFor: '1h30m ' }) }] });
    expect(parsed.rules[0]).toMatchObject({ for: '5m', keep_firing_for: '1h30m' });
    expect(durationsFormOf(parsed.rules[0]!)).toEqual({ for: '5m', keepFiringFor: '1h30m' });
    expect(durationsBodyOf({ for: '', keepFiringFor: '  ' })).toEqual({});
    expect(durationsFormOf({})).toEqual({ for: '', keepFiringFor: '' });
  });

  it('sends a keep_firing_for it cannot read as typed, so the API names the field', () => {
    const parsed = namespaceGroupBodySchema.safeParse({ namespace: 'shop', rules: [{ alert: 'A', expr: 'up == 0', ...durationsBodyOf({ for: '', keepFiringFor: '10 minutes' }) }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual([expect.stringMatching(/^rules\.0\.keep_firing_for: must be a Prometheus duration/)]);
  });
});
