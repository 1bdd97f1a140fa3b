import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { LocalStack } from '../../infra/local/stack.js';
import { adminClient, startTestStack } from '../helpers/local-stack.js';

let stack: LocalStack;
let admin: ReturnType<typeof adminClient>;

/** A rule group body for a tenant's namespace. */
const shopGroup = (overrides: Record<string, unknown> = {}) => ({
  namespace: 'shop',
  rules: [{ alert: 'ErrorsHigh', expr: 'sum by (pod) (rate(http_errors_total[5m])) > 1', for: '5m', annotations: { summary: '{{ $labels.pod }}: {{ $value }}' } }],
  ...overrides,
});

/**
 * An account with clusters prod-eu and prod-us, tenant team-a bound to shop
 * in prod-eu, team-b bound to payments through a workspace, and a key each.
 */
async function anAccount(accountId: string) {
  const eu = await admin.createCluster(accountId, 'prod-eu');
  const us = await admin.createCluster(accountId, 'prod-us');
  const put = async (path: string, body: unknown) => {
    const response = await admin.call('PUT', path, body);
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
  };
  await put(`/v1/accounts/${accountId}/workspaces/fin`, { namespaces: [{ cluster: 'prod-eu', namespace: 'payments' }] });
  await put(`/v1/accounts/${accountId}/tenants/team-a`, { bindings: [{ cluster: 'prod-eu', namespace: 'shop' }] });
  await put(`/v1/accounts/${accountId}/tenants/team-b`, { workspaces: ['fin'] });
  const keyA = (await admin.call('POST', `/v1/accounts/${accountId}/tenants/team-a/keys`)).body.key as string;
  const keyB = (await admin.call('POST', `/v1/accounts/${accountId}/tenants/team-b/keys`)).body.key as string;
  const as = (key: string) => adminClient(stack, key).call;
  const rules = (cluster: { id: string; token: string }, query = '', headers: Record<string, string> = {}) =>
    fetch(`${stack.httpUrl}/ingest/${cluster.id}/rules${query}`, { headers: { authorization: `Bearer ${cluster.token}`, ...headers } });
  return { accountId, eu, us, teamA: as(keyA), teamB: as(keyB), rules, base: `/v1/accounts/${accountId}` };
}

beforeAll(async () => {
  stack = await startTestStack();
  admin = adminClient(stack);
});

afterAll(async () => {
  await stack?.stop();
});

describe('rule groups API', () => {
  it('creates, reads, lists, versions and deletes a namespace group with the tenant key', async () => {
    const { base, teamA } = await anAccount('rg-crud');
    const path = `${base}/tenants/team-a/rule-groups/shop-errors`;

    const created = await teamA('PUT', path, shopGroup());
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body).toMatchObject({ level: 'namespace', name: 'shop-errors', tenantId: 'team-a', namespace: 'shop', enabled: true, version: 1 });
    expect(created.body.rules[0]).toMatchObject({ alert: 'ErrorsHigh', severity: 'warning', disable: false });

    expect((await teamA('PUT', path, shopGroup({ interval: '30s' }), { 'if-match': '"1"' })).status).toBe(200);
    expect((await teamA('PUT', path, shopGroup(), { 'if-match': '"1"' })).status).toBe(409);
    const read = await teamA('GET', path);
    expect(read.body).toMatchObject({ interval: '30s', version: 2 });
    expect(read.headers.get('etag')).toBe('"2"');
    expect((await teamA('GET', `${base}/tenants/team-a/rule-groups`)).body.items.map((g: { name: string }) => g.name)).toEqual(['shop-errors']);

    expect((await teamA('DELETE', path)).status).toBe(204);
    expect((await teamA('GET', path)).status).toBe(404);
    expect((await teamA('DELETE', path)).status).toBe(404);
  });

  it('creates cluster and global groups with the operator key only', async () => {
    const { base, teamA } = await anAccount('rg-operator');
    const clusterGroup = { cluster: 'prod-eu', rules: [{ alert: 'NodeCpu', exprBuilder: { node: { names: ['n1'], comparator: '>', cpu: { utilization: 0.9 } } }, severity: 'critical' }] };
    expect((await admin.call('PUT', `${base}/cluster-rule-groups/nodes`, clusterGroup)).status).toBe(201);
    expect((await admin.call('PUT', `${base}/global-rule-groups/fleet`, { clusterSelector: { inValues: ['prod-eu', 'prod-us'] }, rules: [{ alert: 'Down', expr: 'up == 0' }] })).status).toBe(201);
    expect((await admin.call('GET', `${base}/cluster-rule-groups`)).body.items.map((g: { name: string }) => g.name)).toEqual(['nodes']);
    expect((await admin.call('GET', `${base}/global-rule-groups/fleet`)).body).toMatchObject({ level: 'global', clusterSelector: { inValues: ['prod-eu', 'prod-us'] } });
    expect((await teamA('PUT', `${base}/cluster-rule-groups/mine`, clusterGroup)).status).toBe(403);
    expect((await teamA('GET', `${base}/global-rule-groups`)).status).toBe(403);
    const unknownCluster = await admin.call('PUT', `${base}/cluster-rule-groups/nodes`, { ...clusterGroup, cluster: 'nowhere' });
    expect(unknownCluster.status).toBe(400);
    expect(unknownCluster.body.issues).toEqual([{ field: 'cluster', message: 'no cluster named nowhere in this account' }]);
  });

  it.each([
    [{ ...shopGroup(), severity: 'high' }, 'severity', 'is not a known field'],
    [shopGroup({ rules: [{ alert: 'A', expr: 'up', lables: {} }] }), 'rules[0].lables', 'is not a known field'],
    [shopGroup({ rules: [{ alert: 'A', expr: 'up{namespace="payments"}' }] }), 'rules[0].expr', 'selects outside this group'],
    [shopGroup({ rules: [{ alert: 'A', expr: 'sum(up' }] }), 'rules[0].expr', 'syntax error'],
    [shopGroup({ rules: [{ alert: 'A', expr: 'rate(sum(up)[5m])' }] }), 'rules[0].expr', 'ranges are only allowed'],
    [shopGroup({ rules: [{ alert: 'A', expr: 'up', for: '5 minutes' }] }), 'rules[0].for', 'Prometheus duration'],
    [shopGroup({ rules: [{ alert: 'A', expr: 'up', labels: { namespace: 'payments' } }] }), 'rules[0].labels.namespace', 'is set by tidings'],
    [shopGroup({ rules: [{ alert: 'A', expr: 'up' }, { alert: 'B' }] }), 'rules[1].expr', 'either expr or exprBuilder'],
    [shopGroup({ rules: [{ alert: 'A', expr: 'up', levels: [{ comparator: '>', threshold: 1, severity: 'warning' }, { comparator: '>', threshold: 2, severity: 'critical' }] }] }), 'rules[0].inhibitLabels', 'several levels'],
    [shopGroup({ rules: [{ alert: 'A', expr: 'up', annotations: { summary: '{{ $value | humanise }}' } }] }), 'rules[0].annotations.summary', 'function "humanise" not defined'],
    [shopGroup({ rules: [{ alert: 'A', expr: 'up', labels: { tier: '{{ if $value }}high' } }] }), 'rules[0].labels.tier', 'missing {{end}}'],
    [shopGroup({ namespace: 'payments' }), 'namespace', 'not bound to namespace payments'],
    [shopGroup({ cluster: 'prod-us' }), 'namespace', 'in cluster prod-us'],
  ])('refuses bad body %# with a 400 naming the field', async (body, field, message) => {
    const { base, teamA } = await anAccount(`rg-bad-${field.replace(/[^a-z0-9]+/g, '-').replace(/-+$/, '')}-${Math.random().toString(36).slice(2, 6)}`);
    const response = await teamA('PUT', `${base}/tenants/team-a/rule-groups/bad`, body);
    expect(response.status).toBe(400);
    expect(response.body.issues).toContainEqual({ field, message: expect.stringContaining(message) });
    expect((await teamA('GET', `${base}/tenants/team-a/rule-groups/bad`)).status).toBe(404);
  });

  it("keeps tenants apart: another tenant's key cannot read, write or delete a tenant's groups", async () => {
    const { base, teamA, teamB } = await anAccount('rg-isolation');
    const path = `${base}/tenants/team-a/rule-groups/shop-errors`;
    expect((await teamA('PUT', path, shopGroup())).status).toBe(201);
    for (const [method, body] of [['GET', undefined], ['PUT', shopGroup()], ['DELETE', undefined]] as const) {
      expect((await teamB(method, path, body)).status, method).toBe(403);
    }
    expect((await teamB('GET', `${base}/tenants/team-a/rule-groups`)).status).toBe(403);
    // team-b's own path cannot name team-a's namespace either.
    const stolen = await teamB('PUT', `${base}/tenants/team-b/rule-groups/steal`, shopGroup());
    expect(stolen.status).toBe(400);
    expect(stolen.body.issues).toEqual([{ field: 'namespace', message: 'tenant team-b is not bound to namespace shop in any cluster' }]);
    expect((await teamA('GET', path)).body.version).toBe(1);
  });

  it('writes the inhibit rules of levels in the tenant scope, and deletes them with the group and with the tenant', async () => {
    const { base, teamA } = await anAccount('rg-levels');
    const levels = [
      { comparator: '>', threshold: 10, severity: 'critical' },
      { comparator: '>', threshold: 3, severity: 'warning' },
    ];
    const body = shopGroup({ rules: [{ alert: 'Restarts', expr: 'increase(restarts_total[10m])', levels, inhibitLabels: ['pod'] }] });
    expect((await teamA('PUT', `${base}/tenants/team-a/rule-groups/restarts`, body)).status).toBe(201);
    const inhibit = (await teamA('GET', `${base}/tenants/team-a/inhibit-rules`)).body.items;
    expect(inhibit).toEqual([
      expect.objectContaining({
        id: 'metric.namespace.restarts.0.critical',
        scope: { kind: 'tenant', tenantId: 'team-a' },
        equal: ['pod', 'cluster', 'namespace'],
        sourceMatchers: expect.arrayContaining([{ name: 'severity', value: 'critical', isRegex: false, isEqual: true }]),
        targetMatchers: expect.arrayContaining([{ name: 'severity', value: 'warning', isRegex: true, isEqual: true }]),
      }),
    ]);
    expect((await admin.call('GET', `${base}/inhibit-rules`)).body.items).toEqual([]);

    // One level fewer: its inhibit rule goes.
    expect((await teamA('PUT', `${base}/tenants/team-a/rule-groups/restarts`, shopGroup({ rules: [{ alert: 'Restarts', expr: 'increase(restarts_total[10m]) > 3' }] }))).status).toBe(200);
    expect((await teamA('GET', `${base}/tenants/team-a/inhibit-rules`)).body.items).toEqual([]);

    expect((await teamA('PUT', `${base}/tenants/team-a/rule-groups/restarts`, body)).status).toBe(200);
    expect((await teamA('DELETE', `${base}/tenants/team-a/rule-groups/restarts`)).status).toBe(204);
    expect((await teamA('GET', `${base}/tenants/team-a/inhibit-rules`)).body.items).toEqual([]);

    // Deleting the tenant deletes its groups: a new tenant of that name starts with none.
    expect((await teamA('PUT', `${base}/tenants/team-a/rule-groups/restarts`, body)).status).toBe(201);
    expect((await admin.call('DELETE', `${base}/tenants/team-a`)).status).toBe(204);
    expect((await admin.call('PUT', `${base}/tenants/team-a`, { bindings: [{ cluster: 'prod-eu', namespace: 'shop' }] })).status).toBe(201);
    expect((await admin.call('GET', `${base}/tenants/team-a/rule-groups`)).body.items).toEqual([]);
    expect((await admin.call('GET', `${base}/tenants/team-a/inhibit-rules`)).body.items).toEqual([]);
  });
});

describe('GET /ingest/{cluster}/rules', () => {
  it("serves a cluster its effective groups as a rule file, with the namespace injected and tidings' labels", async () => {
    // Arrange
    const { base, eu, us, teamA, rules } = await anAccount('rg-serve');
    expect((await teamA('PUT', `${base}/tenants/team-a/rule-groups/shop-errors`, shopGroup())).status).toBe(201);
    expect((await admin.call('PUT', `${base}/cluster-rule-groups/us-nodes`, { cluster: 'prod-us', rules: [{ alert: 'Load', expr: 'node_load1 > 8' }] })).status).toBe(201);
    expect((await admin.call('PUT', `${base}/global-rule-groups/fleet`, { namespaceSelector: { matcher: { type: '!~', value: 'kube-.*' } }, rules: [{ alert: 'Down', expr: 'up == 0' }] })).status).toBe(201);

    // Act
    const response = await rules(eu);

    // Assert
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/yaml/);
    const file = parse(await response.text());
    expect(file.groups.map((g: { name: string }) => g.name)).toEqual(['global/fleet', 'namespace/team-a/shop-errors']);
    expect(file.groups[1].rules).toEqual([
      {
        alert: 'ErrorsHigh',
        expr: 'sum by (pod) (rate(http_errors_total{namespace="shop"}[5m])) > 1',
        for: '5m',
        labels: { severity: 'warning', alerttype: 'metric', rule_group: 'shop-errors', rule_level: 'namespace', namespace: 'shop', cluster: 'prod-eu' },
        annotations: { summary: '{{ $labels.pod }}: {{ $value }}' },
      },
    ]);
    expect(file.groups[0].rules[0].expr).toBe('up{namespace!~"kube-.*"} == 0');
    const usFile = parse(await (await rules(us)).text());
    expect(usFile.groups.map((g: { name: string }) => g.name)).toEqual(['cluster/us-nodes', 'global/fleet']);
  });

  it('answers 304 to its ETag until a group changes, and a PrometheusRule manifest on request', async () => {
    const { base, eu, teamA, rules } = await anAccount('rg-etag');
    expect((await teamA('PUT', `${base}/tenants/team-a/rule-groups/g`, shopGroup())).status).toBe(201);
    const first = await rules(eu);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect((await rules(eu, '', { 'if-none-match': etag })).status).toBe(304);

    expect((await teamA('PUT', `${base}/tenants/team-a/rule-groups/g`, shopGroup({ interval: '1m' }))).status).toBe(200);
    const changed = await rules(eu, '', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);

    const manifest = parse(await (await rules(eu, '?format=prometheusrule')).text());
    expect(manifest).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', spec: { groups: [{ name: 'namespace/team-a/g', interval: '1m' }] } });
    const bad = await rules(eu, '?format=json');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: unknown }).issues).toEqual([{ field: 'format', message: expect.stringContaining('prometheusrule') }]);
  });

  it("needs the cluster's own credential, and drops a namespace group once its tenant loses the binding", async () => {
    const { base, eu, us, teamA, rules } = await anAccount('rg-auth');
    expect((await teamA('PUT', `${base}/tenants/team-a/rule-groups/g`, shopGroup())).status).toBe(201);
    expect((await fetch(`${stack.httpUrl}/ingest/${eu.id}/rules`)).status).toBe(401);
    expect((await rules({ id: eu.id, token: us.token })).status).toBe(401);
    expect((await rules({ id: eu.id, token: eu.token }, '', {})).status).toBe(200);

    expect((await admin.call('PUT', `${base}/tenants/team-a`, { bindings: [] })).status).toBe(200);
    expect(parse(await (await rules(eu)).text())).toEqual({ groups: [] });
  });
});
