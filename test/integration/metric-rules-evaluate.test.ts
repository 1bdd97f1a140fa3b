import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../infra/local/stack.js';
import { DynamoRuleStateStore } from '../../lib/aws/dynamo-rule-state-store.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { sigV4Refusal } from '../helpers/sigv4-verifier.js';
import { adminClient, eventually, startTestStack } from '../helpers/local-stack.js';

let stack: LocalStack;
let admin: ReturnType<typeof adminClient>;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
let prometheus: Awaited<ReturnType<typeof startHttpReceiver>>;
/** Each tenant's dry runs a minute in this file's stack. */
const DRY_RUNS_PER_MINUTE = 3;
/** The evaluator's state, read where the evaluate function keeps it. */
let states: DynamoRuleStateStore;

/** The series the stand-in Prometheus holds: errors of pod web-1 in prod-eu's shop and payments namespaces. */
const series = [
  { metric: { __name__: 'errors', cluster: 'prod-eu', namespace: 'shop', pod: 'web-1' }, value: 5 },
  { metric: { __name__: 'errors', cluster: 'prod-eu', namespace: 'payments', pod: 'pay-1' }, value: 0 },
  { metric: { __name__: 'errors', cluster: 'prod-us', namespace: 'payments', pod: 'pay-9' }, value: 7 },
];

/**
 * A Prometheus stand-in that answers `errors` queries honestly for the
 * matchers they carry (cluster and namespace, `=` only), so only an
 * injected query can reach one namespace's series.
 */
function answer(form: URLSearchParams) {
  const query = form.get('query') ?? '';
  const wanted = Object.fromEntries([...query.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  const threshold = Number(/> (\d+)/.exec(query)?.[1] ?? '0');
  const result = series
    .filter((s) => Object.entries(wanted).every(([name, value]) => (s.metric as Record<string, string>)[name] === value) && s.value > threshold)
    .map((s) => ({ metric: s.metric, value: [Number(form.get('time')), String(s.value)] }));
  return { status: 'success', data: { resultType: 'vector', result } };
}

beforeAll(async () => {
  receiver = await startHttpReceiver();
  prometheus = await startHttpReceiver((request) =>
    request.path === '/api/v1/query' ? { status: 200, body: JSON.stringify(answer(new URLSearchParams(request.body))), headers: { 'content-type': 'application/json' } } : { status: 404 },
  );
  stack = await startTestStack({ scheduleEverySeconds: 1, env: { TIDINGS_DRY_RUN_RATE_LIMIT_PER_MINUTE: String(DRY_RUNS_PER_MINUTE) } });
  admin = adminClient(stack);
  const dynamodb = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  states = new DynamoRuleStateStore(DynamoDBDocumentClient.from(dynamodb), stack.resources.get('StateTable')!.ref);
});

afterAll(async () => {
  await stack?.stop();
  await Promise.all([receiver?.close(), prometheus?.close()]);
});

describe('central evaluation on the local stack', () => {
  it("fires a tenant's namespace rule on its own series into its receiver; another tenant's rule cannot read them", async () => {
    // Arrange: two tenants in one cluster, each with a receiver and a rule that reads every namespace as written.
    const a = '/v1/accounts/central';
    const cluster = await admin.createCluster('central', 'prod-eu');
    const put = async (path: string, body: unknown) => {
      const response = await admin.call('PUT', `${a}${path}`, body);
      if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    };
    const grouping = { groupBy: ['alertname'], groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' };
    await put('/tenants/team-a', { bindings: [{ cluster: 'prod-eu', namespace: 'shop' }] });
    await put('/tenants/team-b', { bindings: [{ cluster: 'prod-eu', namespace: 'payments' }] });
    await put('/tenants/team-a/receivers/hook', { channel: 'webhook', settings: { url: `${receiver.url}/team-a` }, grouping });
    await put('/tenants/team-b/receivers/hook', { channel: 'webhook', settings: { url: `${receiver.url}/team-b` }, grouping });
    const rule = (alert: string) => ({ alert, expr: 'errors > 1', annotations: { summary: '{{ $labels.pod }}: {{ $value }} errors' } });
    await put('/tenants/team-a/rule-groups/errors', { namespace: 'shop', rules: [rule('ShopErrors')] });
    await put('/tenants/team-b/rule-groups/errors', { namespace: 'payments', rules: [rule('PaymentErrors')] });

    // Act: the endpoint turns central evaluation on (the scheduled function runs every second here).
    const endpoint = await admin.call('PUT', `${a}/clusters/${cluster.id}/metrics-endpoint`, { url: prometheus.url, bearerToken: 'prom-secret', evaluationInterval: '1s', resendDelay: '1m' });
    expect(endpoint.status).toBe(201);
    expect(endpoint.body).toMatchObject({ url: prometheus.url, type: 'prometheus', authorization: '<secret>' });
    expect(JSON.stringify(endpoint.body)).not.toContain('prom-secret');
    const inUrl = await admin.call('PUT', `${a}/clusters/${cluster.id}/metrics-endpoint`, { url: prometheus.url.replace('http://', 'http://u:p@') });
    expect(inUrl.status).toBe(400);
    expect(inUrl.body.issues).toEqual([{ field: 'url', message: 'must not carry credentials: use bearerToken or basicAuth' }]);

    // Assert: team-a's receiver gets the alert with tidings' labels.
    const delivered = await eventually(() => receiver.requests.find((r) => r.path === '/team-a' && r.body.includes('ShopErrors')), 60_000, "team-a's notification");
    const alert = delivered.json().alerts[0];
    expect(alert.labels).toMatchObject({ alertname: 'ShopErrors', namespace: 'shop', pod: 'web-1', cluster: 'prod-eu', alerttype: 'metric', rule_group: 'errors', rule_level: 'namespace', severity: 'warning' });
    expect(alert.annotations).toEqual({ summary: 'web-1: 5 errors' });
    // team-b's rule ran with its own namespace and the cluster injected, with the sealed credential, and matched nothing.
    const queries = prometheus.requests.map((r) => ({ query: new URLSearchParams(r.body).get('query'), authorization: r.headers.authorization }));
    expect(queries).toContainEqual({ query: 'errors{namespace="payments", cluster="prod-eu"} > 1', authorization: 'Bearer prom-secret' });
    expect(queries.every((q) => q.query!.includes('cluster="prod-eu"'))).toBe(true);
    expect(receiver.requests.filter((r) => r.path === '/team-b')).toEqual([]);

    // The evaluator's state goes with what it was for: a deleted group, a deleted tenant's groups, then the endpoint.
    const groups = async () => [...(await states.list('central', cluster.id)).keys()].sort();
    await eventually(async () => ((await groups()).length === 2 ? true : undefined), 20_000, 'both groups evaluated');
    expect(await groups()).toEqual(['namespace/team-a/errors', 'namespace/team-b/errors']);
    expect((await admin.call('DELETE', `${a}/tenants/team-a/rule-groups/errors`)).status).toBe(204);
    await eventually(async () => ((await groups()).length === 1 ? true : undefined), 20_000, "the deleted group's state deleted");
    expect(await groups()).toEqual(['namespace/team-b/errors']);
    expect((await admin.call('DELETE', `${a}/tenants/team-b`)).status).toBe(204);
    await eventually(async () => ((await groups()).length === 0 ? true : undefined), 20_000, "the deleted tenant's group state deleted");
    await put('/tenants/team-a/rule-groups/errors', { namespace: 'shop', rules: [rule('ShopErrors')] });
    await eventually(async () => ((await groups()).length === 1 ? true : undefined), 20_000, 'the group evaluated again');

    // Turning it off stops the queries and deletes the cluster's evaluation state at once.
    expect((await admin.call('DELETE', `${a}/clusters/${cluster.id}/metrics-endpoint`)).status).toBe(204);
    expect((await admin.call('GET', `${a}/clusters/${cluster.id}/metrics-endpoint`)).status).toBe(404);
    expect(await groups()).toEqual([]);
  });

  it("signs the queries to an Amazon Managed Prometheus endpoint with the function's own credentials (SigV4, aps)", async () => {
    // Arrange: a stand-in that answers only requests signed for aps in eu-west-1 with the credentials the local stack gives its functions.
    const amp = await startHttpReceiver((request) => {
      const refusal = sigV4Refusal(request, { accessKeyId: 'local', secretAccessKey: 'local' }, { region: 'eu-west-1', service: 'aps' });
      return refusal === undefined ? { status: 200, body: JSON.stringify(answer(new URLSearchParams(request.body))) } : { status: 403, body: refusal };
    });
    try {
      const a = '/v1/accounts/amp';
      const cluster = await admin.createCluster('amp', 'prod-eu');
      expect((await admin.call('PUT', `${a}/cluster-rule-groups/errors`, { cluster: 'prod-eu', rules: [{ alert: 'Errors', expr: 'errors > 1' }] })).status).toBe(201);
      const both = await admin.call('PUT', `${a}/clusters/${cluster.id}/metrics-endpoint`, { url: `${amp.url}/workspaces/ws-1`, sigv4: {}, bearerToken: 't' });
      expect(both.status).toBe(400);
      expect(both.body.issues).toContainEqual({ field: 'sigv4', message: 'sigv4 signs with AWS credentials: no bearerToken or basicAuth beside it' });
      const noRegion = await admin.call('PUT', `${a}/clusters/${cluster.id}/metrics-endpoint`, { url: `${amp.url}/workspaces/ws-1`, sigv4: {} });
      expect(noRegion.body.issues).toEqual([{ field: 'sigv4.region', message: 'give sigv4.region: the URL is not an aps-workspaces.<region>.amazonaws.com one' }]);

      // Act
      const put = await admin.call('PUT', `${a}/clusters/${cluster.id}/metrics-endpoint`, { url: `${amp.url}/workspaces/ws-1`, sigv4: { region: 'eu-west-1' }, evaluationInterval: '1s' });

      // Assert: the view says how it is signed; the scheduled evaluation's queries pass the signature check.
      expect(put.status).toBe(201);
      expect(put.body).toMatchObject({ sigv4: { region: 'eu-west-1' }, authorization: null });
      const signed = await eventually(() => amp.requests.find((r) => r.status === 200), 30_000, 'a signed query');
      expect(signed.path).toBe('/workspaces/ws-1/api/v1/query');
      expect(new URLSearchParams(signed.body).get('query')).toBe('errors{cluster="prod-eu"} > 1');
      expect(amp.requests.filter((r) => r.status !== 200)).toEqual([]);
      expect((await admin.call('DELETE', `${a}/clusters/${cluster.id}/metrics-endpoint`)).status).toBe(204);
    } finally {
      await amp.close();
    }
  });

  it("dry-runs a tenant's group against the cluster's endpoint: the injected expressions and the alerts they would produce", async () => {
    // Arrange
    const a = '/v1/accounts/dryrun';
    const cluster = await admin.createCluster('dryrun', 'prod-eu');
    await admin.createCluster('dryrun', 'edge');
    expect((await admin.call('PUT', `${a}/tenants/team-a`, { bindings: [{ cluster: 'prod-eu', namespace: 'shop' }, { cluster: 'edge', namespace: 'shop' }] })).status).toBe(201);
    expect((await admin.call('PUT', `${a}/tenants/team-b`, { bindings: [{ cluster: 'prod-eu', namespace: 'payments' }] })).status).toBe(201);
    const keyA = (await admin.call('POST', `${a}/tenants/team-a/keys`)).body.key as string;
    const keyB = (await admin.call('POST', `${a}/tenants/team-b/keys`)).body.key as string;
    expect((await admin.call('PUT', `${a}/clusters/${cluster.id}/metrics-endpoint`, { url: prometheus.url })).status).toBe(201);
    const group = { namespace: 'shop', rules: [{ alert: 'ShopErrors', expr: 'errors > 1', annotations: { summary: '{{ $value }}' } }, { alert: 'ShopErrorsLong', expr: 'errors > 1', for: '10m' }, { alert: 'Quiet', expr: 'errors > 100' }] };

    // Act
    const response = await adminClient(stack, keyA).call('POST', `${a}/tenants/team-a/rule-groups-dry-run?cluster=prod-eu`, group);

    // Assert
    expect(response.status).toBe(200);
    expect(response.body.rules).toEqual([
      {
        alert: 'ShopErrors',
        expr: 'errors{namespace="shop", cluster="prod-eu"} > 1',
        severity: 'warning',
        alerts: [{ labels: expect.objectContaining({ alertname: 'ShopErrors', pod: 'web-1', namespace: 'shop', cluster: 'prod-eu', alerttype: 'metric' }), annotations: { summary: '5' }, value: 5, state: 'firing' }],
      },
      expect.objectContaining({ alert: 'ShopErrorsLong', alerts: [expect.objectContaining({ state: 'pending' })] }),
      expect.objectContaining({ alert: 'Quiet', expr: 'errors{namespace="shop", cluster="prod-eu"} > 100', alerts: [] }),
    ]);
    expect((await adminClient(stack, keyA).call('GET', `${a}/tenants/team-a/rule-groups`)).body.items).toEqual([]);

    // Another tenant cannot dry-run a namespace it is not bound to, nor use another tenant's path; a cluster without an endpoint is a 400 too.
    const stolen = await adminClient(stack, keyB).call('POST', `${a}/tenants/team-b/rule-groups-dry-run?cluster=prod-eu`, group);
    expect(stolen.status).toBe(400);
    expect(stolen.body.issues).toEqual([{ field: 'namespace', message: 'tenant team-b is not bound to namespace shop in any cluster' }]);
    expect((await adminClient(stack, keyB).call('POST', `${a}/tenants/team-a/rule-groups-dry-run?cluster=prod-eu`, group)).status).toBe(403);
    const noEndpoint = await adminClient(stack, keyA).call('POST', `${a}/tenants/team-a/rule-groups-dry-run?cluster=edge`, group);
    expect(noEndpoint.status).toBe(400);
    expect(noEndpoint.body.issues).toEqual([{ field: 'cluster', message: 'cluster edge has no metrics endpoint to query' }]);
    expect((await admin.call('DELETE', `${a}/clusters/${cluster.id}/metrics-endpoint`)).status).toBe(204);
  });
  it('dry-runs a disabled group (and disabled rules) as if enabled, and says that no cluster evaluates them', async () => {
    const a = '/v1/accounts/dryrun-disabled';
    const cluster = await admin.createCluster('dryrun-disabled', 'prod-eu');
    expect((await admin.call('PUT', `${a}/clusters/${cluster.id}/metrics-endpoint`, { url: prometheus.url })).status).toBe(201);
    const rules = [{ alert: 'Errors', expr: 'errors > 1' }, { alert: 'ErrorsOff', expr: 'errors > 2', disable: true }];

    const disabled = await admin.call('POST', `${a}/cluster-rule-groups-dry-run`, { cluster: 'prod-eu', enabled: false, rules });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ cluster: 'prod-eu', enabled: false, notice: expect.stringContaining('the group is disabled (enabled: false): no cluster evaluates it') });
    expect(disabled.body.rules.map((r: { alert: string; disabled?: boolean; alerts: unknown[] }) => [r.alert, r.disabled ?? false, r.alerts.length])).toEqual([
      ['Errors', false, 1],
      ['ErrorsOff', true, 1],
    ]);
    const enabled = await admin.call('POST', `${a}/cluster-rule-groups-dry-run`, { cluster: 'prod-eu', rules });
    expect(enabled.body).toMatchObject({ enabled: true, notice: expect.stringContaining('1 of its rules is disabled (marked disabled: true)') });
    expect((await admin.call('DELETE', `${a}/clusters/${cluster.id}/metrics-endpoint`)).status).toBe(204);
  });

  it("limits each tenant's dry runs a minute with 429 and Retry-After, without touching another tenant's", async () => {
    // Arrange
    const a = '/v1/accounts/dryrun-limit';
    const cluster = await admin.createCluster('dryrun-limit', 'prod-eu');
    expect((await admin.call('PUT', `${a}/tenants/team-a`, { bindings: [{ cluster: 'prod-eu', namespace: 'shop' }] })).status).toBe(201);
    expect((await admin.call('PUT', `${a}/tenants/team-b`, { bindings: [{ cluster: 'prod-eu', namespace: 'payments' }] })).status).toBe(201);
    const keyA = (await admin.call('POST', `${a}/tenants/team-a/keys`)).body.key as string;
    const keyB = (await admin.call('POST', `${a}/tenants/team-b/keys`)).body.key as string;
    expect((await admin.call('PUT', `${a}/clusters/${cluster.id}/metrics-endpoint`, { url: prometheus.url })).status).toBe(201);
    const dryRun = (key: string, tenant: string, namespace: string) =>
      adminClient(stack, key).call('POST', `${a}/tenants/${tenant}/rule-groups-dry-run?cluster=prod-eu`, { namespace, rules: [{ alert: 'E', expr: 'errors > 1' }] });

    // Act: one more than the limit in one minute (a run that straddles a minute boundary is tried again).
    let statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof dryRun>> | undefined;
    for (let attempt = 0; attempt < 3 && limited === undefined; attempt++) {
      const minute = Math.floor(Date.now() / 60_000);
      const answers = [];
      for (let i = 0; i <= DRY_RUNS_PER_MINUTE; i++) answers.push(await dryRun(keyA, 'team-a', 'shop'));
      statuses = answers.map((r) => r.status);
      if (Math.floor(Date.now() / 60_000) === minute) limited = answers.at(-1);
    }

    // Assert
    expect(statuses).toEqual([...Array<number>(DRY_RUNS_PER_MINUTE).fill(200), 429]);
    expect(limited!.body.error).toMatch(/too many requests/);
    const retryAfter = Number(limited!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await dryRun(keyB, 'team-b', 'payments')).status).toBe(200);
    expect((await admin.call('DELETE', `${a}/clusters/${cluster.id}/metrics-endpoint`)).status).toBe(204);
  });
});
