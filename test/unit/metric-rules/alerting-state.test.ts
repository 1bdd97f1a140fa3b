import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandTemplate } from '../../../lib/metric-rules/alert-templates.js';
import { DuplicateAlertLabelsError, evaluateAlertingRule, RESOLVED_RETENTION_MS, type EvaluatedRule, type RuleAlerts, type Sample } from '../../../lib/metric-rules/alerting-state.js';
import { formatGoFloat } from '../../../lib/metric-rules/go-format.js';
import { missingPromtool, promtool } from '../../helpers/promtool.js';

if (missingPromtool !== undefined) console.warn(missingPromtool);

const s = 1000;
const settings = { externalLabels: { cluster: 'prod-eu' }, externalURL: 'http://prometheus:9090', intervalMs: 1 * s, resendDelayMs: 2 * s };
const rule = (overrides: Partial<EvaluatedRule> = {}): EvaluatedRule => ({
  alert: 'High',
  expr: 'x > 0.5',
  labels: { severity: 'warning' },
  annotations: { summary: '{{ $labels.pod }} at {{ $value }}' },
  forMs: 3 * s,
  keepFiringForMs: 0,
  ...overrides,
});
const sample = (pod: string, value = 1): Sample => ({ labels: { __name__: 'x', pod }, value });
const iso = (ms: number) => new Date(ms).toISOString();

/** Runs a rule over a timeline: `steps[i]` is the result at i seconds; answers the state and the sends of each step. */
function run(r: EvaluatedRule, steps: Sample[][], start: RuleAlerts = {}) {
  let alerts = start;
  return steps.map((samples, i) => {
    const result = evaluateAlertingRule(r, samples, alerts, i * s, settings);
    alerts = result.alerts;
    return result;
  });
}

describe('evaluateAlertingRule', () => {
  it('goes pending, fires once `for` has passed, and sends as Prometheus does (interval 1s, resend delay 2s)', () => {
    const steps = run(rule(), Array.from({ length: 8 }, () => [sample('a')]));
    expect(steps.map((step) => Object.values(step.alerts)[0]!.state)).toEqual(['pending', 'pending', 'pending', 'firing', 'firing', 'firing', 'firing', 'firing']);
    // Sent when it fires, then every 3 s: the strict "lastSentAt + resendDelay < ts" skips the 2 s mark.
    expect(steps.map((step) => step.send.length)).toEqual([0, 0, 0, 1, 0, 0, 1, 0]);
    expect(steps[3]!.send[0]).toEqual({
      labels: { cluster: 'prod-eu', pod: 'a', severity: 'warning', alertname: 'High' },
      annotations: { summary: 'a at 1' },
      startsAt: iso(3 * s),
      endsAt: iso(3 * s + 8 * s),
      generatorURL: 'http://prometheus:9090/graph?g0.expr=x+%3E+0.5&g0.tab=1',
    });
    expect(steps[6]!.send[0]).toMatchObject({ startsAt: iso(3 * s), endsAt: iso(14 * s) });
  });

  it('fires on the first evaluation with for: 0', () => {
    const [first] = run(rule({ forMs: 0 }), [[sample('a')]]);
    expect(Object.values(first!.alerts)[0]!.state).toBe('firing');
    expect(first!.send).toHaveLength(1);
  });

  it('drops a pending alert that goes missing, and starts it over when it comes back', () => {
    const steps = run(rule(), [[sample('a')], [sample('a')], [], [sample('a')]]);
    expect(steps[2]!.alerts).toEqual({});
    expect(Object.values(steps[3]!.alerts)[0]).toMatchObject({ state: 'pending', activeAt: 3 * s });
    expect(steps.flatMap((step) => step.send)).toEqual([]);
  });

  it('resolves a firing alert that goes missing, sends it resolved at once, re-sends it, and forgets it after 15 minutes', () => {
    const steps = run(rule({ forMs: 0 }), [[sample('a')], [], [], [], [], []]);
    const resolved = Object.values(steps[1]!.alerts)[0]!;
    expect(resolved).toMatchObject({ state: 'inactive', resolvedAt: 1 * s });
    expect(steps[1]!.send).toEqual([expect.objectContaining({ startsAt: iso(0), endsAt: iso(1 * s) })]);
    expect(steps.map((step) => step.send.length)).toEqual([1, 1, 0, 0, 1, 0]);
    const kept = evaluateAlertingRule(rule({ forMs: 0 }), [], steps[5]!.alerts, 1 * s + RESOLVED_RETENTION_MS, settings);
    expect(Object.keys(kept.alerts)).toHaveLength(1);
    const forgotten = evaluateAlertingRule(rule({ forMs: 0 }), [], kept.alerts, 1 * s + RESOLVED_RETENTION_MS + 1, settings);
    expect(forgotten.alerts).toEqual({});
  });

  it('keeps firing for keep_firing_for with its last annotations, then resolves', () => {
    const r = rule({ forMs: 0, keepFiringForMs: 2 * s });
    const steps = run(r, [[sample('a', 5)], [], [], []]);
    expect(steps.map((step) => Object.values(step.alerts)[0]!.state)).toEqual(['firing', 'firing', 'firing', 'inactive']);
    expect(Object.values(steps[2]!.alerts)[0]!.annotations).toEqual({ summary: 'a at 5' });
    expect(Object.values(steps[3]!.alerts)[0]!.resolvedAt).toBe(3 * s);
  });

  it('updates the value and annotations of an active alert, keeping when it became active', () => {
    const steps = run(rule(), [[sample('a', 1)], [sample('a', 2)]]);
    expect(Object.values(steps[1]!.alerts)[0]).toMatchObject({ value: 2, annotations: { summary: 'a at 2' }, activeAt: 0 });
  });

  it("lets the rule's labels override the series' (templated; empty removes), and refuses two series that end up equal", () => {
    const r = rule({ forMs: 0, labels: { pod: 'fixed', tier: '{{ $labels.tier }}', level: 'L{{ $value }}' } });
    const [step] = run(r, [[{ labels: { __name__: 'x', pod: 'a', tier: 'web' }, value: 2 }, { labels: { __name__: 'x', pod: 'b' }, value: 3 }]]);
    expect(step!.send.map((a) => a.labels)).toEqual([
      { cluster: 'prod-eu', pod: 'fixed', tier: 'web', level: 'L2', alertname: 'High' },
      { cluster: 'prod-eu', pod: 'fixed', level: 'L3', alertname: 'High' },
    ]);
    expect(() => run(rule({ labels: { pod: 'fixed' } }), [[sample('a'), sample('b')]])).toThrow(DuplicateAlertLabelsError);
  });

  it('never lets external labels override the alert’s own', () => {
    const [step] = run(rule({ forMs: 0 }), [[{ labels: { pod: 'a', cluster: 'from-series' }, value: 1 }]]);
    expect(step!.send[0]!.labels.cluster).toBe('from-series');
  });
});

describe('expandTemplate and formatGoFloat', () => {
  const data = { labels: { pod: 'web-1' }, externalLabels: { cluster: 'eu' }, externalURL: 'http://p', value: 1234567 };
  it.each([
    ['{{ $labels.pod }}', 'web-1'],
    ['{{.Labels.pod}} {{ .Value }}', 'web-1 1.234567e+06'],
    ['{{ $labels.missing }}|{{ $externalLabels.cluster }}|{{ $externalURL }}', '|eu|http://p'],
    ['a  {{- $value -}}  b', 'a1.234567e+06b'],
    ['no template', 'no template'],
  ])('expands %s', (template, expected) => {
    expect(expandTemplate(template, data)).toBe(expected);
  });

  it('answers Prometheus-style failure text for what it cannot expand', () => {
    expect(expandTemplate('{{ query "up" | first | value }}', data)).toMatch(/^<error expanding template: /);
  });

  it.each([
    [1e6, '1e+06'],
    [123456, '123456'],
    [1234567, '1.234567e+06'],
    [0.0001, '0.0001'],
    [0.00001234, '1.234e-05'],
    [1e21, '1e+21'],
    [-2.5, '-2.5'],
    [123456789012345678, '1.2345678901234568e+17'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NaN, 'NaN'],
  ])('prints %d as Go does: %s', (value, text) => {
    expect(formatGoFloat(value)).toBe(text);
  });
});

/** A timeline of one series: a value per minute, or undefined for no sample (`_`). */
type Timeline = Array<0 | 1 | 2 | undefined>;

/** What an instant query of `x{case="i"} > 0.5` answers at minute t: the latest sample of [t - 5m, t] (Prometheus 2's lookback, both ends included). */
function queryAt(pods: Record<string, Timeline>, caseId: number, t: number): Sample[] {
  return Object.entries(pods).flatMap(([pod, timeline]) => {
    for (let at = t; at >= t - 5 && at >= 0; at--) {
      const value = timeline[at];
      if (value !== undefined) return value > 0.5 ? [{ labels: { __name__: 'x', case: String(caseId), pod }, value }] : [];
    }
    return [];
  });
}

/** Prometheus' labels.String(): sorted by name, values quoted. */
const labelString = (labels: Record<string, string>) =>
  `{${Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`)
    .join(', ')}}`;

describe.skipIf(missingPromtool !== undefined)("evaluateAlertingRule against Prometheus' own rule manager (promtool test rules)", () => {
  it('fires the same alerts with the same annotations at every evaluation, over random timelines, for and keep_firing_for', async () => {
    // Arrange: random rules (for 0-3m, keep_firing_for 0-2m) over random series, evaluated every minute for 16 minutes.
    const minutes = 16;
    const timeline = fc.array(fc.constantFrom<0 | 1 | 2 | undefined>(0, 1, 1, 2, undefined), { minLength: minutes, maxLength: minutes });
    const cases = fc.sample(
      fc.record({ forMin: fc.integer({ min: 0, max: 3 }), keepMin: fc.integer({ min: 0, max: 2 }), pods: fc.dictionary(fc.constantFrom('a', 'b'), timeline, { minKeys: 1 }) }),
      { numRuns: 40, seed: 42 },
    );
    const rules = cases.map((c, i) => ({
      alert: `Case${i}`,
      expr: `x{case="${i}"} > 0.5`,
      ...(c.forMin === 0 ? {} : { for: `${c.forMin}m` }),
      ...(c.keepMin === 0 ? {} : { keep_firing_for: `${c.keepMin}m` }),
      annotations: { value: '{{ $value }}', pod: '{{ $labels.pod }}' },
    }));
    const series = cases.flatMap((c, i) =>
      Object.entries(c.pods).map(([pod, values]) => `      - series: 'x{case="${i}",pod="${pod}"}'\n        values: '${values.map((v) => (v === undefined ? '_' : String(v))).join(' ')}'`),
    );
    const checks = cases.flatMap((_, i) => Array.from({ length: minutes }, (__, t) => `      - { eval_time: ${t}m, alertname: Case${i}, exp_alerts: [] }`));
    const tests = ['rule_files: [rules.yml]', 'evaluation_interval: 1m', 'tests:', '  - interval: 1m', '    input_series:', ...series, '    alert_rule_test:', ...checks].join('\n');
    const rulesFile = `groups:\n  - name: cases\n    interval: 1m\n    rules:\n${rules.map((r) => `      - ${JSON.stringify(r)}`).join('\n')}\n`;

    // Act: Prometheus reports what fired wherever it differs from "nothing".
    const result = await promtool({ 'rules.yml': rulesFile, 'tests.yml': tests }, 'test', 'rules', 'tests.yml');
    const prometheus = new Map<string, string[]>();
    for (const block of result.output.split(/\n(?=\s+alertname: )/)) {
      // Go prints durations as 3m, or 0s for zero.
      const head = /alertname: (Case\d+), time: (\d+)(?:m|s),/.exec(block);
      if (head === null) continue;
      const got = block.slice(block.indexOf('got:'));
      prometheus.set(`${head[1]}@${head[2]}`, [...got.matchAll(/Labels:(\{.*\})\n\s+Annotations:(\{.*\})/g)].map((m) => `${m[1]} ${m[2]}`).sort());
    }
    const tidings = new Map<string, string[]>();
    cases.forEach((c, i) => {
      const evaluated: EvaluatedRule = { alert: `Case${i}`, expr: rules[i]!.expr, labels: {}, annotations: rules[i]!.annotations, forMs: c.forMin * 60_000, keepFiringForMs: c.keepMin * 60_000 };
      let alerts: RuleAlerts = {};
      for (let t = 0; t < minutes; t++) {
        alerts = evaluateAlertingRule(evaluated, queryAt(c.pods, i, t), alerts, t * 60_000, { ...settings, externalLabels: {}, intervalMs: 60_000, resendDelayMs: 60_000 }).alerts;
        const firing = Object.values(alerts).filter((a) => a.state === 'firing');
        if (firing.length > 0) tidings.set(`Case${i}@${t}`, firing.map((a) => `${labelString(a.labels)} ${labelString(a.annotations)}`).sort());
      }
    });

    // Assert: the same alerts fire at the same evaluations, and the sample did exercise firing.
    expect(Object.fromEntries(tidings)).toEqual(Object.fromEntries(prometheus));
    expect(prometheus.size).toBeGreaterThan(50);
  });
});
