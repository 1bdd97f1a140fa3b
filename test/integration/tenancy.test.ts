import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../lib/api/api-routes.js';
import type { LocalStack } from '../../infra/local/stack.js';
import { anAlertmanagerAlert, anAlertmanagerWebhook } from '../helpers/builders.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { adminClient, eventually, startTestStack } from '../helpers/local-stack.js';

let stack: LocalStack;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
let admin: ReturnType<typeof adminClient>;
let cluster: { id: string; token: string };
let keyA: string;
let keyB: string;

const fast = { groupBy: ['alertname'], groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' };

beforeAll(async () => {
  receiver = await startHttpReceiver();
  stack = await startTestStack();
  admin = adminClient(stack);
  cluster = await admin.createCluster('acme', 'prod-eu');
  const put = async (path: string, body: unknown) => {
    const response = await admin.call('PUT', path, body);
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };
  await put('/v1/accounts/acme/workspaces/fin', { namespaces: [{ cluster: 'prod-eu', namespace: 'payments' }] });
  await put('/v1/accounts/acme/tenants/team-a', { displayName: 'Team A', bindings: [{ cluster: 'prod-eu', namespace: 'shop' }] });
  await put('/v1/accounts/acme/tenants/team-b', { displayName: 'Team B', workspaces: ['fin'] });
  await put('/v1/accounts/acme/receivers/ops', { channel: 'webhook', settings: { url: `${receiver.url}/ops` }, grouping: fast });
  await put('/v1/accounts/acme/tenants/team-a/receivers/a-hook', { channel: 'webhook', settings: { url: `${receiver.url}/a` }, grouping: fast });
  await put('/v1/accounts/acme/tenants/team-b/receivers/b-hook', { channel: 'webhook', settings: { url: `${receiver.url}/b` }, grouping: fast });
  keyA = (await admin.call('POST', '/v1/accounts/acme/tenants/team-a/keys')).body.key;
  keyB = (await admin.call('POST', '/v1/accounts/acme/tenants/team-b/keys')).body.key;
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

const post = (labels: Record<string, string>) =>
  fetch(`${stack.httpUrl}/ingest/${cluster.id}/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(anAlertmanagerWebhook([anAlertmanagerAlert({ labels })])),
  });

/** Which receiver paths got a notification mentioning the marker. */
const reached = (marker: string) => [...new Set(receiver.requests.filter((r) => r.body.includes(marker)).map((r) => r.path))].sort();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('tenant routing through the stack', () => {
  it('delivers a namespaced alert to the tenants bound to it and to global receivers, and nowhere else', async () => {
    await post({ alertname: 'ShopDown', namespace: 'shop' });
    await post({ alertname: 'PaymentsDown', namespace: 'payments' });
    await post({ alertname: 'NodeDown' });
    await eventually(() => (reached('ShopDown').length >= 2 && reached('PaymentsDown').length >= 2 && reached('NodeDown').length >= 1 ? true : undefined));
    await sleep(1500);
    expect(reached('ShopDown')).toEqual(['/a', '/ops']);
    expect(reached('PaymentsDown')).toEqual(['/b', '/ops']);
    expect(reached('NodeDown')).toEqual(['/ops']);
  });

  it("mutes only the tenant's receivers with a tenant silence", async () => {
    const created = await fetch(`${stack.httpUrl}/v1/accounts/acme/tenants/team-a/silences`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keyA}`, 'content-type': 'application/json' },
      body: JSON.stringify({ matchers: ['alertname="Quiet"'], endsAt: new Date(Date.now() + 3600_000).toISOString(), createdBy: 'a', comment: 'deploy' }),
    });
    expect(created.status).toBe(201);
    await post({ alertname: 'Quiet', namespace: 'shop' });
    await eventually(() => (reached('Quiet').length >= 1 ? true : undefined));
    await sleep(2000);
    expect(reached('Quiet')).toEqual(['/ops']);
  });

  it('stops routing to a tenant as soon as its workspace no longer holds the namespace', async () => {
    expect((await admin.call('PUT', '/v1/accounts/acme/workspaces/fin', { namespaces: [] })).status).toBe(200);
    await post({ alertname: 'AfterRevoke', namespace: 'payments' });
    await eventually(() => (reached('AfterRevoke').length >= 1 ? true : undefined));
    await sleep(2000);
    expect(reached('AfterRevoke')).toEqual(['/ops']);
    await admin.call('PUT', '/v1/accounts/acme/workspaces/fin', { namespaces: [{ cluster: 'prod-eu', namespace: 'payments' }] });
  });

  it('explains who would get an alert and what would stop it', async () => {
    const response = await admin.call('POST', '/v1/accounts/acme/explain', { labels: { alertname: 'Quiet', namespace: 'shop', cluster: 'prod-eu' } });
    expect(response.status).toBe(200);
    const outcomes = Object.fromEntries(response.body.receivers.map((r: any) => [r.receiver, r.outcome]));
    expect(outcomes).toEqual({ ops: 'delivered', 'team-a/a-hook': 'silenced' });
    expect(response.body.tenants).toEqual([{ tenantId: 'team-a', via: 'binding' }]);
  });
});

/** Fills a route pattern with values for a tenant's objects. */
function concrete(pattern: string, tenant: string): string {
  return pattern
    .replace(':account', 'acme')
    .replace(':tenant', tenant)
    .replace(':rest+', 'api/v2/silences')
    .replace(/:(\w+)/g, 'x');
}

describe('tenant isolation across the whole API', () => {
  const call = (method: string, path: string, key: string, body?: unknown) =>
    fetch(`${stack.httpUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("refuses every endpoint and verb of another tenant's paths, and every operator endpoint, to a tenant key", async () => {
    const refused: string[] = [];
    for (const route of apiRoutes) {
      const onOtherTenant = concrete(route.pattern, 'team-a');
      const response = await call(route.method, onOtherTenant, keyB, route.method === 'GET' || route.method === 'DELETE' ? undefined : {});
      if (response.status !== 403) refused.push(`${route.method} ${onOtherTenant} -> ${response.status}`);
    }
    expect(refused).toEqual([]);
  });

  it('describes every route in the OpenAPI document it serves', async () => {
    const doc = (await admin.call('GET', '/v1/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, methods]: [string, any]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    const served = apiRoutes.map((r) => `${r.method} ${r.pattern.replace(/:(\w+)\+?/g, '{$1}')}`);
    expect(new Set(documented)).toEqual(new Set(served));
  });

  it("lets a tenant key use its own tenant's endpoints", async () => {
    for (const path of ['/v1/accounts/acme/tenants/team-a', '/v1/accounts/acme/tenants/team-a/receivers', '/v1/accounts/acme/tenants/team-a/silences', '/v1/accounts/acme/tenants/team-a/history']) {
      expect((await call('GET', path, keyA)).status, path).toBe(200);
    }
  });

  it("keeps a tenant key out of another account with the same tenant name", async () => {
    expect((await call('GET', '/v1/accounts/other/tenants/team-a/receivers', keyA)).status).toBe(403);
  });

  it('shows a tenant only its own history', async () => {
    const body = (await (await call('GET', '/v1/accounts/acme/tenants/team-b/history', keyB)).json()) as any;
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items.every((item: any) => item.receiver.tenantId === 'team-b')).toBe(true);
  });

  it('answers 401 for a forged or revoked tenant key', async () => {
    const forged = keyA.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'));
    expect((await call('GET', '/v1/accounts/acme/tenants/team-a/receivers', forged)).status).toBe(401);
    const extra = (await admin.call('POST', '/v1/accounts/acme/tenants/team-a/keys')).body;
    expect((await call('GET', '/v1/accounts/acme/tenants/team-a/receivers', extra.key)).status).toBe(200);
    expect((await admin.call('DELETE', `/v1/accounts/acme/tenants/team-a/keys/${extra.id}`)).status).toBe(204);
    expect((await call('GET', '/v1/accounts/acme/tenants/team-a/receivers', extra.key)).status).toBe(401);
  });

  it("reports another tenant's silence as not found, even to the operator through the wrong tenant path", async () => {
    const listed = (await (await call('GET', '/v1/accounts/acme/tenants/team-a/silences', keyA)).json()) as any;
    const id = listed.items[0].id;
    expect((await admin.call('GET', `/v1/accounts/acme/tenants/team-b/silences/${id}`)).status).toBe(404);
    expect((await call('DELETE', `/v1/accounts/acme/tenants/team-b/silences/${id}`, keyB)).status).toBe(404);
  });
});

describe('the Alertmanager v2 API as amtool uses it', () => {
  const am = (method: string, path: string, key = keyA, body?: unknown) =>
    fetch(`${stack.httpUrl}/v1/accounts/acme/tenants/team-a/alertmanager${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('answers the status probe amtool makes before every command', async () => {
    const status = (await (await am('GET', '/api/v2/status')).json()) as any;
    expect(status.cluster.status).toBe('disabled');
    expect(status.versionInfo.version).toEqual(expect.any(String));
    expect(status.config.original).toEqual(expect.any(String));
  });

  it('adds, queries with a filter and expires a silence with the bodies amtool sends and parses', async () => {
    const start = new Date();
    // Exactly what `amtool silence add alertname=Test --comment=x` POSTs.
    const added = await am('POST', '/api/v2/silences', keyA, {
      comment: 'x',
      createdBy: 'root',
      endsAt: new Date(start.getTime() + 3600_000).toISOString(),
      matchers: [{ isEqual: true, isRegex: false, name: 'alertname', value: 'Test' }],
      startsAt: start.toISOString(),
    });
    expect(added.status).toBe(200);
    const { silenceID } = (await added.json()) as any;
    expect(silenceID).toEqual(expect.any(String));

    const queried = (await (await am('GET', `/api/v2/silences?filter=${encodeURIComponent('alertname=Test')}`)).json()) as any[];
    expect(queried.map((s) => s.id)).toEqual([silenceID]);
    for (const field of ['id', 'status', 'updatedAt', 'comment', 'createdBy', 'endsAt', 'startsAt', 'matchers']) expect(queried[0]).toHaveProperty(field);
    expect(queried[0].status.state).toBe('active');
    expect((await (await am('GET', `/api/v2/silences?filter=${encodeURIComponent('alertname=Other')}`)).json()) as any[]).toEqual([]);

    expect((await am('DELETE', `/api/v2/silence/${silenceID}`)).status).toBe(200);
    const after = (await (await am('GET', `/api/v2/silence/${silenceID}`)).json()) as any;
    expect(after.status.state).toBe('expired');
  });

  it("lists only alerts of the tenant's namespaces, with their silence state", async () => {
    const alerts = (await (await am('GET', '/api/v2/alerts')).json()) as any[];
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.every((a) => a.labels.namespace === 'shop')).toBe(true);
    const quiet = alerts.find((a) => a.labels.alertname === 'Quiet');
    expect(quiet.status).toMatchObject({ state: 'suppressed', silencedBy: [expect.any(String)], inhibitedBy: [] });
    for (const field of ['fingerprint', 'receivers', 'startsAt', 'endsAt', 'updatedAt']) expect(quiet).toHaveProperty(field);
    const groups = (await (await am('GET', '/api/v2/alerts/groups')).json()) as any[];
    expect(groups[0].alerts.length).toBe(alerts.length);
  });

  it("keeps one tenant's Alertmanager out of another tenant's silences", async () => {
    expect((await am('GET', '/api/v2/silences', keyB)).status).toBe(403);
  });
});
