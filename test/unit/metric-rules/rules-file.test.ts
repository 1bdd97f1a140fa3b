import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fingerprint } from '../../../lib/alert/fingerprint.js';
import { inhibitedBy } from '../../../lib/inhibit/index.js';
import { expandRule, levelInhibitRules, prometheusGroup } from '../../../lib/metric-rules/effective-rules.js';
import { clusterRuleGroups, renderRulesFile, serveRulesFile, type RulesFileSources } from '../../../lib/metric-rules/rules-file.js';
import type { StoredRuleGroup } from '../../../lib/metric-rules/rule-group.js';
import type { AccessEntry } from '../../../lib/tenancy/tenant.js';
import { missingPromtool, promtool } from '../../helpers/promtool.js';
import { aClusterGroup, aGlobalGroup, aMetricRule, aNamespaceGroup } from './builders.js';
import { looseExpression, promqlExpression } from './promql-arbitrary.js';
import { ExpressionError, injectLabels } from '../../../lib/metric-rules/label-injection.js';

if (missingPromtool !== undefined) console.warn(missingPromtool);

/** Sources over a fixed set of groups; `bound` lists `tenant@cluster/namespace` access entries. */
function sources(groups: StoredRuleGroup[], bound: string[] = ['team-a@prod-eu/shop']): RulesFileSources & { queries: number } {
  const state = {
    queries: 0,
    ruleGroups: { list: async () => groups },
    tenantsOf: async (_accountId: string, cluster: string, namespace: string): Promise<AccessEntry[]> => {
      state.queries += 1;
      return bound
        .map((b) => /^(.+)@(.+)\/(.+)$/.exec(b)!)
        .filter((m) => m[2] === cluster && m[3] === namespace)
        .map((m) => ({ tenantId: m[1]!, cluster, namespace, via: { kind: 'binding' } }));
    },
  };
  return state;
}

const prodEu = { accountId: 'acme', name: 'prod-eu' };
const levels = aMetricRule({
  alert: 'PodRestarts',
  expr: 'increase(kube_pod_container_status_restarts_total[10m])',
  levels: [
    { comparator: '>', threshold: 3, severity: 'warning' },
    { comparator: '>', threshold: 10, severity: 'critical' },
    { comparator: '>', threshold: 5, severity: 'error' },
  ],
  inhibitLabels: ['pod'],
});

describe('clusterRuleGroups', () => {
  it("gives a cluster its own cluster groups, the global groups that select it, and namespace groups of tenants that may see the namespace there", async () => {
    // Arrange
    const groups = [
      aNamespaceGroup({ name: 'a-shop' }),
      aNamespaceGroup({ name: 'a-shop-us', cluster: 'prod-us' }),
      aNamespaceGroup({ name: 'b-shop', tenantId: 'team-b' }),
      aNamespaceGroup({ name: 'a-off', enabled: false }),
      aClusterGroup(),
      aClusterGroup({ name: 'us-nodes', cluster: 'prod-us' }),
      aGlobalGroup(),
      aGlobalGroup({ name: 'us-only', clusterSelector: { inValues: ['prod-us'] } }),
      aGlobalGroup({ name: 'not-us', clusterSelector: { matcher: { type: '!~', value: 'prod-us|dev-.*' } } }),
    ];

    // Act
    const file = await clusterRuleGroups(prodEu, sources(groups));

    // Assert: team-b is not bound to shop in prod-eu, so its group is left out.
    expect(file.map((g) => g.name)).toEqual(['cluster/nodes', 'global/fleet', 'global/not-us', 'namespace/team-a/a-shop']);
  });

  it('drops a namespace group as soon as its tenant loses the binding', async () => {
    const file = await clusterRuleGroups(prodEu, sources([aNamespaceGroup()], ['team-a@prod-us/shop']));
    expect(file).toEqual([]);
  });

  it('looks up access once per namespace, not per group', async () => {
    const source = sources([aNamespaceGroup({ name: 'one' }), aNamespaceGroup({ name: 'two' }), aNamespaceGroup({ name: 'three', namespace: 'cart' })]);
    await clusterRuleGroups(prodEu, source);
    expect(source.queries).toBe(2);
  });

  it('leaves out disabled rules, and groups left with none', async () => {
    const file = await clusterRuleGroups(prodEu, sources([aClusterGroup({ rules: [aMetricRule({ disable: true })] }), aGlobalGroup({ rules: [aMetricRule({ alert: 'Off', disable: true }), aMetricRule({ alert: 'On' })] })]));
    expect(file).toEqual([expect.objectContaining({ name: 'global/fleet', rules: [expect.objectContaining({ alert: 'On' })] })]);
  });
});

describe('expandRule', () => {
  it('stamps the labels tidings sets over the rule’s own, and injects the namespace', () => {
    const group = aNamespaceGroup({ interval: '30s' });
    const rule = aMetricRule({ labels: { team: 'shop' }, annotations: { summary: '{{ $labels.pod }} errs at {{ $value }}' }, for: '5m', keep_firing_for: '10m', severity: 'error' });
    expect(expandRule(group, rule, { kind: 'cluster', cluster: 'prod-eu' })).toEqual([
      {
        alert: 'HighErrorRate',
        expr: 'rate(http_errors_total{namespace="shop"}[5m]) > 1',
        for: '5m',
        keep_firing_for: '10m',
        labels: { team: 'shop', severity: 'error', alerttype: 'metric', rule_group: 'shop-alerts', rule_level: 'namespace', namespace: 'shop', cluster: 'prod-eu' },
        annotations: { summary: '{{ $labels.pod }} errs at {{ $value }}' },
      },
    ]);
  });

  it('enforces the cluster too where one store holds many clusters’ series', () => {
    const [rule] = expandRule(aNamespaceGroup(), aMetricRule({ expr: 'up' }), { kind: 'shared-store', clusters: ['prod-eu'] });
    expect(rule!.expr).toBe('up{namespace="shop", cluster="prod-eu"}');
    const [global] = expandRule(aGlobalGroup({ namespaceSelector: { inValues: ['shop', 'cart'] } }), aMetricRule({ expr: 'up' }), { kind: 'shared-store', clusters: ['a', 'b'] });
    expect(global!.expr).toBe('up{namespace=~"shop|cart", cluster=~"a|b"}');
  });

  it('makes one rule per level, highest severity first, with the same alert name', () => {
    const rules = expandRule(aNamespaceGroup(), levels, { kind: 'cluster', cluster: 'prod-eu' });
    expect(rules.map((r) => [r.alert, r.labels.severity, r.expr])).toEqual([
      ['PodRestarts', 'critical', '(increase(kube_pod_container_status_restarts_total{namespace="shop"}[10m])) > 10'],
      ['PodRestarts', 'error', '(increase(kube_pod_container_status_restarts_total{namespace="shop"}[10m])) > 5'],
      ['PodRestarts', 'warning', '(increase(kube_pod_container_status_restarts_total{namespace="shop"}[10m])) > 3'],
    ]);
  });

  it('builds KubeSphere workload and node expressions', () => {
    const workload = aMetricRule({ expr: undefined, exprBuilder: { workload: { kind: 'deployment', names: ['web', 'api'], comparator: '>=', metricThreshold: { cpu: { usage: 0.8 } } } } } as never);
    expect(expandRule(aNamespaceGroup(), workload, { kind: 'cluster', cluster: 'prod-eu' })[0]!.expr).toBe(
      'namespace:workload_cpu_usage:sum{workload=~"deployment:(web|api)", namespace="shop"} >= 0.8',
    );
    const replicas = aMetricRule({ expr: undefined, exprBuilder: { workload: { kind: 'statefulset', names: ['db'], comparator: '>', metricThreshold: { replica: { unavailableRatio: 0.5 } } } } } as never);
    expect(expandRule(aNamespaceGroup(), replicas, { kind: 'cluster', cluster: 'prod-eu' })[0]!.expr).toBe(
      'namespace:statefulset_unavailable_replicas:ratio{workload="statefulset:db", namespace="shop"} > 0.5',
    );
    const node = aMetricRule({ expr: undefined, exprBuilder: { node: { names: ['n1'], comparator: '>', cpu: { load5m: 2 } } } } as never);
    expect(expandRule(aClusterGroup(), node, { kind: 'cluster', cluster: 'prod-eu' })[0]!.expr).toBe('node:load5:ratio{node="n1"} > 2');
  });
});

describe('levelInhibitRules', () => {
  const group = aNamespaceGroup({ rules: [aMetricRule(), levels] });
  const now = new Date('2026-12-02T10:00:00Z');
  const alertOf = (severity: string, pod: string) => {
    const labels = { alertname: 'PodRestarts', alerttype: 'metric', rule_group: 'shop-alerts', rule_level: 'namespace', namespace: 'shop', cluster: 'prod-eu', pod, severity };
    return { labels, fingerprint: fingerprint(labels), status: 'firing' as const, endsAt: '0001-01-01T00:00:00Z' };
  };
  const rules = levelInhibitRules(group).map((r) => ({ ...r, scope: { kind: 'tenant' as const, tenantId: 'team-a' } }));

  it('lets the highest firing level mute the lower ones of the same pod, through the pipeline’s own inhibitor', () => {
    const firing = [alertOf('critical', 'web-1'), alertOf('error', 'web-1'), alertOf('warning', 'web-1'), alertOf('warning', 'web-2')];
    const muted = firing.filter((a) => inhibitedBy(a, firing, rules, now) !== undefined).map((a) => `${a.labels.severity}/${a.labels.pod}`);
    expect(muted).toEqual(['error/web-1', 'warning/web-1']);
  });

  it('lets a middle level mute the lowest when the highest is not firing', () => {
    const firing = [alertOf('error', 'web-1'), alertOf('warning', 'web-1')];
    expect(inhibitedBy(firing[1]!, firing, rules, now)?.rule.id).toBe('metric.namespace.shop-alerts.1.error');
  });

  it('makes none for single-level rules', () => {
    expect(levelInhibitRules(aNamespaceGroup())).toEqual([]);
  });
});

describe('serveRulesFile', () => {
  it('answers 304 to the ETag it gave, and a new ETag when a group changes', async () => {
    const first = await serveRulesFile(prodEu, { format: 'prometheus' }, sources([aClusterGroup()]));
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/yaml/);
    const again = await serveRulesFile(prodEu, { format: 'prometheus', ifNoneMatch: first.etag }, sources([aClusterGroup()]));
    expect(again).toMatchObject({ status: 304, body: '', etag: first.etag });
    const changed = await serveRulesFile(prodEu, { format: 'prometheus', ifNoneMatch: first.etag }, sources([aClusterGroup({ interval: '1m' })]));
    expect(changed.status).toBe(200);
    expect(changed.etag).not.toBe(first.etag);
  });

  it('wraps the same groups in a PrometheusRule manifest', async () => {
    const groups = await clusterRuleGroups(prodEu, sources([aClusterGroup(), aNamespaceGroup()]));
    const manifest = parse(renderRulesFile('prod-eu', groups, 'prometheusrule'));
    expect(manifest).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'tidings-prod-eu' } });
    expect(manifest.spec).toEqual(parse(renderRulesFile('prod-eu', groups, 'prometheus')));
  });
});

describe.skipIf(missingPromtool !== undefined)('the rule file, as Prometheus 2.42 reads it', () => {
  it('passes promtool check rules: builders, levels, selectors, templates and many generated expressions', async () => {
    // Arrange
    const generated = fc.sample(promqlExpression, { numRuns: 300, seed: 14 }).map((expr, i) => aMetricRule({ alert: `Generated${i}`, expr }));
    const groups = [
      aNamespaceGroup({ interval: '30s', rules: [aMetricRule({ for: '1h20m15s', keep_firing_for: '5m', annotations: { summary: '{{ $labels.pod }} at {{ $value | humanize }} ({{ $externalLabels.cluster }})' } }), levels] }),
      aNamespaceGroup({ name: 'generated', rules: generated }),
      aClusterGroup({ rules: [aMetricRule({ expr: undefined, exprBuilder: { node: { names: ['n1', 'n2'], comparator: '<', memory: { available: 1e9 } } } } as never)] }),
      aGlobalGroup({ namespaceSelector: { matcher: { type: '!~', value: 'kube-.*' } } }),
    ];
    const file = renderRulesFile('prod-eu', await clusterRuleGroups(prodEu, sources(groups)), 'prometheus');

    // Act
    const checked = await promtool({ 'rules.yml': file }, 'check', 'rules', 'rules.yml');

    // Assert
    expect(checked.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(checked.code).toBe(0);
  });

  it("fires a namespace group's rule on its own namespace's series only (promtool test rules)", async () => {
    // Arrange: the same tenant-written expression, which reads every namespace as written.
    const group = aNamespaceGroup({ rules: [aMetricRule({ alert: 'ErrorsHigh', expr: 'sum by (namespace) (rate(http_errors_total[1m])) > 1', for: '1m' })] });
    const file = renderRulesFile('prod-eu', [prometheusGroup(group, { kind: 'cluster', cluster: 'prod-eu' })], 'prometheus');
    const tests = [
      'rule_files: [rules.yml]',
      'evaluation_interval: 1m',
      'tests:',
      '  - interval: 1m',
      '    input_series:',
      "      - { series: 'http_errors_total{namespace=\"shop\"}', values: '0+120x10' }",
      "      - { series: 'http_errors_total{namespace=\"other\"}', values: '0+600x10' }",
      '    alert_rule_test:',
      '      - eval_time: 5m',
      '        alertname: ErrorsHigh',
      '        exp_alerts:',
      '          - exp_labels: { namespace: shop, severity: warning, alerttype: metric, rule_group: shop-alerts, rule_level: namespace, cluster: prod-eu }',
    ].join('\n');

    // Act
    const result = await promtool({ 'rules.yml': file, 'tests.yml': tests }, 'test', 'rules', 'tests.yml');

    // Assert
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('refuses exactly the expressions Prometheus refuses, over a sample of ill-typed ones', async () => {
    // Arrange: expressions lezer parses; each judged by tidings, then all by promtool in one file.
    const sample = [...new Set(fc.sample(looseExpression, { numRuns: 400, seed: 2042 }))];
    const refusedByTidings = new Map<number, string>();
    sample.forEach((expr, i) => {
      try {
        injectLabels(expr, [{ name: 'namespace', values: ['shop'] }]);
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
        refusedByTidings.set(i, error.message);
      }
    });
    const file = renderRulesFile('prod-eu', [{ name: 'sample', rules: sample.map((expr, i) => ({ alert: `E${i}`, expr, labels: { severity: 'warning' as const } })) }], 'prometheus');

    // Act
    const checked = await promtool({ 'rules.yml': file }, 'check', 'rules', 'rules.yml');

    // Assert: both refuse some and accept some, and the same ones, except that tidings also refuses
    // a range vector or a string as a rule's result (promtool only parses; such a rule could never alert).
    const refusedByPrometheus = new Set([...checked.output.matchAll(/"E(\d+)": could not parse expression/g)].map((m) => Number(m[1])));
    const neverAlerts = (i: number) => refusedByTidings.get(i)?.startsWith("a rule's expression must be") === true;
    const disagreements = sample.flatMap((expr, i) =>
      refusedByTidings.has(i) === refusedByPrometheus.has(i) || neverAlerts(i) ? [] : [`${refusedByPrometheus.has(i) ? 'Prometheus' : 'tidings'} refuses: ${expr}`],
    );
    expect(disagreements).toEqual([]);
    expect(refusedByPrometheus.size).toBeGreaterThan(50);
    expect(sample.length - refusedByPrometheus.size).toBeGreaterThan(50);
  });
});
