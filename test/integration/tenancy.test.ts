import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../lib/api/api-routes.js';
import { documentedOperations } from '../../lib/api/openapi.js';
import type { LocalStack } from '../../infra/local/stack.js';
import { anAlertmanagerAlert, anAlertmanagerWebhook } from '../helpers/builders.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { adminClient, startTestStack } from '../helpers/local-stack.js';
import { ingestedFingerprint, settledPath } from '../helpers/pipeline-signals.js';

let stack: LocalStack;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
let admin: ReturnType<typeof adminClient>;
let cluster: { id: string; token: string };
let keyA: string;
let keyB: string;

const fast = { groupBy: ['alertname'], groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' };

/**
 * An account with a workspace `fin` (payments), tenant team-a bound to shop,
 * team-b holding fin, a global receiver and one per tenant, each posting to
 * `/<account>/<name>`. Tests that send alerts take an account of their own, so
 * none sees what another left behind.
 */
async function anAccount(accountId: string) {
  const created = await admin.createCluster(accountId, 'prod-eu');
  const put = async (path: string, body: unknown) => {
    const response = await admin.call('PUT', path, body);
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const hook = (name: string) => ({ channel: 'webhook', settings: { url: `${receiver.url}/${accountId}/${name}` }, grouping: fast });
  await put(`/v1/accounts/${accountId}/workspaces/fin`, { namespaces: [{ cluster: 'prod-eu', namespace: 'payments' }] });
  await put(`/v1/accounts/${accountId}/tenants/team-a`, { displayName: 'Team A', bindings: [{ cluster: 'prod-eu', namespace: 'shop' }] });
  await put(`/v1/accounts/${accountId}/tenants/team-b`, { displayName: 'Team B', workspaces: ['fin'] });
  await put(`/v1/accounts/${accountId}/receivers/ops`, hook('ops'));
  await put(`/v1/accounts/${accountId}/tenants/team-a/receivers/a-hook`, hook('a'));
  await put(`/v1/accounts/${accountId}/tenants/team-b/receivers/b-hook`, hook('b'));
  const keyA = (await admin.call('POST', `/v1/accounts/${accountId}/tenants/team-a/keys`)).body.key as string;
  const keyB = (await admin.call('POST', `/v1/accounts/${accountId}/tenants/team-b/keys`)).body.key as string;
  /** Posts one alert and waits until its path says every receiver it was routed to has its notification (or mute). */
  const postAndSettle = async (labels: Record<string, string>) => {
    const response = await postTo(created, labels);
    expect(response.status).toBe(200);
    return settledPath(admin, accountId, ingestedFingerprint(labels, 'prod-eu'));
  };
  /** Which receivers (by name) got a notification mentioning the marker. */
  const reached = (marker: string) =>
    [...new Set(receiver.requests.filter((r) => r.path.startsWith(`/${accountId}/`) && r.body.includes(marker)).map((r) => r.path.slice(accountId.length + 2)))].sort();
  return { accountId, cluster: created, keyA, keyB, postAndSettle, reached };
}

beforeAll(async () => {
  receiver = await startHttpReceiver();
  stack = await startTestStack();
  admin = adminClient(stack);
  // The API tests below only read, or create and delete what they use.
  const acme = await anAccount('acme');
  ({ cluster, keyA, keyB } = acme);
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

const postTo = (target: { id: string; token: string }, labels: Record<string, string>) =>
  fetch(`${stack.httpUrl}/ingest/${target.id}/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(anAlertmanagerWebhook([anAlertmanagerAlert({ labels })])),
  });

describe('tenant routing through the stack', () => {
  it('delivers a namespaced alert to the tenants bound to it and to global receivers, and nowhere else', async () => {
    const account = await anAccount('routing');
    await Promise.all([
      account.postAndSettle({ alertname: 'ShopDown', namespace: 'shop' }),
      account.postAndSettle({ alertname: 'PaymentsDown', namespace: 'payments' }),
      account.postAndSettle({ alertname: 'NodeDown' }),
    ]);
    expect(account.reached('ShopDown')).toEqual(['a', 'ops']);
    expect(account.reached('PaymentsDown')).toEqual(['b', 'ops']);
    expect(account.reached('NodeDown')).toEqual(['ops']);
  });

  it("mutes only the tenant's receivers with a tenant silence", async () => {
    const account = await anAccount('silencing');
    const created = await fetch(`${stack.httpUrl}/v1/accounts/silencing/tenants/team-a/silences`, {
      method: 'POST',
      headers: { authorization: `Bearer ${account.keyA}`, 'content-type': 'application/json' },
      body: JSON.stringify({ matchers: ['alertname="Quiet"'], endsAt: new Date(Date.now() + 3600_000).toISOString(), createdBy: 'a', comment: 'deploy' }),
    });
    expect(created.status).toBe(201);
    await account.postAndSettle({ alertname: 'Quiet', namespace: 'shop' });
    expect(account.reached('Quiet')).toEqual(['ops']);
  });

  it('stops routing to a tenant as soon as its workspace no longer holds the namespace', async () => {
    const account = await anAccount('revoking');
    expect((await admin.call('PUT', '/v1/accounts/revoking/workspaces/fin', { namespaces: [] })).status).toBe(200);
    await account.postAndSettle({ alertname: 'AfterRevoke', namespace: 'payments' });
    expect(account.reached('AfterRevoke')).toEqual(['ops']);
  });

  it('explains who would get an alert and what would stop it', async () => {
    const account = await anAccount('explaining');
    const silenced = await fetch(`${stack.httpUrl}/v1/accounts/explaining/tenants/team-a/silences`, {
      method: 'POST',
      headers: { authorization: `Bearer ${account.keyA}`, 'content-type': 'application/json' },
      body: JSON.stringify({ matchers: ['alertname="Quiet"'], endsAt: new Date(Date.now() + 3600_000).toISOString(), createdBy: 'a', comment: 'deploy' }),
    });
    expect(silenced.status).toBe(201);
    const response = await admin.call('POST', '/v1/accounts/explaining/explain', { labels: { alertname: 'Quiet', namespace: 'shop', cluster: 'prod-eu' } });
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
    // The Alertmanager API's routes (`:rest+`) stand for each of its operations.
    const served = documentedOperations(apiRoutes).map((o) => `${o.method} ${o.path}`);
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
    const account = await anAccount('history');
    // Both tenants and the global receiver have history in this account.
    await Promise.all([
      account.postAndSettle({ alertname: 'HistoryShop', namespace: 'shop' }),
      account.postAndSettle({ alertname: 'HistoryPayments', namespace: 'payments' }),
    ]);
    const all = (await admin.history('history', '?limit=100')).items as any[];
    expect(new Set(all.map((item) => item.receiver.tenantId ?? 'global'))).toEqual(new Set(['team-a', 'team-b', 'global']));

    const body = (await (await call('GET', '/v1/accounts/history/tenants/team-b/history', account.keyB)).json()) as any;
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
    const created = await call('POST', '/v1/accounts/acme/tenants/team-a/silences', keyA, {
      matchers: ['alertname="Elsewhere"'],
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
      createdBy: 'a',
      comment: 'not for team-b',
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as any;
    expect((await admin.call('GET', `/v1/accounts/acme/tenants/team-a/silences/${id}`)).status).toBe(200);
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
    const account = await anAccount('amlisting');
    const amOf = (path: string) =>
      fetch(`${stack.httpUrl}/v1/accounts/amlisting/tenants/team-a/alertmanager${path}`, { headers: { authorization: `Bearer ${account.keyA}` } });
    const silenced = await fetch(`${stack.httpUrl}/v1/accounts/amlisting/tenants/team-a/silences`, {
      method: 'POST',
      headers: { authorization: `Bearer ${account.keyA}`, 'content-type': 'application/json' },
      body: JSON.stringify({ matchers: ['alertname="Quiet"'], endsAt: new Date(Date.now() + 3600_000).toISOString(), createdBy: 'a', comment: 'deploy' }),
    });
    expect(silenced.status).toBe(201);
    await Promise.all([
      account.postAndSettle({ alertname: 'Quiet', namespace: 'shop' }),
      account.postAndSettle({ alertname: 'Loud', namespace: 'shop' }),
      account.postAndSettle({ alertname: 'NotTeamA', namespace: 'payments' }),
    ]);

    const alerts = (await (await amOf('/api/v2/alerts')).json()) as any[];
    expect(alerts.map((a) => a.labels.alertname).sort()).toEqual(['Loud', 'Quiet']);
    expect(alerts.every((a) => a.labels.namespace === 'shop')).toBe(true);
    expect(alerts.find((a) => a.labels.alertname === 'Loud').status).toMatchObject({ state: 'active', silencedBy: [], inhibitedBy: [] });
    const quiet = alerts.find((a) => a.labels.alertname === 'Quiet');
    expect(quiet.status).toMatchObject({ state: 'suppressed', silencedBy: [expect.any(String)], inhibitedBy: [] });
    for (const field of ['fingerprint', 'receivers', 'startsAt', 'endsAt', 'updatedAt']) expect(quiet).toHaveProperty(field);
    const groups = (await (await amOf('/api/v2/alerts/groups')).json()) as any[];
    expect(groups.flatMap((g) => g.alerts).length).toBe(alerts.length);
  });

  it("keeps one tenant's Alertmanager out of another tenant's silences", async () => {
    expect((await am('GET', '/api/v2/silences', keyB)).status).toBe(403);
  });
});
