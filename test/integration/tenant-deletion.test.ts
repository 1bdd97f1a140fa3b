import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { configStores } from '../../lib/aws/dynamo-config.js';
import { retireTenant } from '../../lib/api/tenants-api.js';
import { anAlertmanagerAlert, anAlertmanagerWebhook } from '../helpers/builders.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { adminClient, eventually, startTestStack } from '../helpers/local-stack.js';

let stack: LocalStack;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
let admin: ReturnType<typeof adminClient>;
let cluster: { id: string; token: string };

const fast = { groupBy: ['alertname'], groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' };

beforeAll(async () => {
  receiver = await startHttpReceiver();
  stack = await startTestStack();
  admin = adminClient(stack);
  cluster = await admin.createCluster('acme', 'prod-eu');
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

/** An API call with a tenant key instead of the operator key. */
const withKey = (key: string, method: string, path: string) =>
  fetch(`${stack.httpUrl}${path}`, { method, headers: { authorization: `Bearer ${key}` } });

async function expectOk(method: string, path: string, body?: unknown) {
  const response = await admin.call(method, path, body);
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** A tenant with one object of every kind a tenant owns; answers its key and the ids that are not names. */
async function aTenantOwningOneOfEverything(tenant: string, namespace: string) {
  const base = `/v1/accounts/acme/tenants/${tenant}`;
  await expectOk('PUT', base, { displayName: tenant, bindings: [{ cluster: 'prod-eu', namespace }] });
  const key = (await expectOk('POST', `${base}/keys`)).key as string;
  await expectOk('PUT', `${base}/configs/hook-credentials`, { channel: 'webhook', labels: { team: tenant }, settings: { headers: { authorization: 'Bearer config-secret' } } });
  await expectOk('PUT', `${base}/receivers/hook`, {
    channel: 'webhook',
    settings: { url: `${receiver.url}/${tenant}`, headers: { authorization: 'Bearer receiver-secret' } },
    grouping: fast,
  });
  await expectOk('PUT', `${base}/template-sets/terse`, { templates: { text: 'TERSE {{status}}' } });
  await expectOk('PUT', `${base}/language-packs/de`, { dictionary: { firing: 'feuert' } });
  await expectOk('PUT', `${base}/rules/backoff`, { signal: 'event', condition: 'reason = "BackOff"', scope: { level: 'namespace', namespace } });
  await expectOk('PUT', `${base}/rule-definitions`, { macros: { warn: 'type = "Warning"' } });
  await expectOk('PUT', `${base}/inhibit-rules/node-down`, { sourceMatchers: ['alertname="NodeDown"'], targetMatchers: ['severity="warning"'], equal: ['node'] });
  const silence = (await expectOk('POST', `${base}/silences`, { matchers: ['alertname="Noisy"'], permanent: true, createdBy: 'test', comment: 'owned' })).id as string;
  return { key, silence };
}

/** What the tenant-scoped API shows of every kind a tenant owns. */
async function everythingVisibleTo(tenant: string, silenceId: string, fingerprint?: string) {
  const base = `/v1/accounts/acme/tenants/${tenant}`;
  const items = async (path: string) => (await expectOk('GET', `${base}${path}`)).items as unknown[];
  const status = async (path: string) => (await admin.call('GET', `${base}${path}`)).status;
  const definitions = await expectOk('GET', `${base}/rule-definitions`);
  return {
    receivers: await items('/receivers'),
    configs: await items('/configs'),
    templateSets: await items('/template-sets'),
    languagePacks: await items('/language-packs'),
    rules: await items('/rules'),
    inhibitRules: await items('/inhibit-rules'),
    silences: await items('/silences'),
    history: await items('/history'),
    alertPath: fingerprint === undefined ? [] : await items(`/alerts/${fingerprint}/history`),
    ruleDefinitions: { macros: definitions.macros, version: definitions.version },
    receiverGet: await status('/receivers/hook'),
    ruleGet: await status('/rules/backoff'),
    silenceGet: await status(`/silences/${silenceId}`),
    amtoolSilences: (await expectOk('GET', `${base}/alertmanager/api/v2/silences`)) as unknown[],
  };
}

const nothing = {
  receivers: [],
  configs: [],
  templateSets: [],
  languagePacks: [],
  rules: [],
  inhibitRules: [],
  silences: [],
  history: [],
  alertPath: [],
  ruleDefinitions: { macros: {}, version: 0 },
  receiverGet: 404,
  ruleGet: 404,
  silenceGet: 404,
  amtoolSilences: [],
};

describe('deleting a tenant', () => {
  it('deletes everything it owned, so a tenant re-created with the same name starts empty and the old key is refused', async () => {
    // Prepare: a tenant with one of everything, a router naming it, and a notification in its history.
    const { key: oldKey, silence } = await aTenantOwningOneOfEverything('gone', 'gone-ns');
    await expectOk('PUT', '/v1/accounts/acme/routers/to-gone', { selector: { matchers: ['namespace="gone-ns"'] }, target: { tenants: ['gone'] } });
    await fetch(`${stack.httpUrl}/ingest/${cluster.id}/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(anAlertmanagerWebhook([anAlertmanagerAlert({ labels: { alertname: 'GoneDown', namespace: 'gone-ns' } })])),
    });
    const record = await eventually(async () => (await expectOk('GET', '/v1/accounts/acme/tenants/gone/history')).items[0], 60_000, 'the tenant history');
    const fingerprint = record.fingerprints[0] as string;
    const before = await everythingVisibleTo('gone', silence, fingerprint);
    expect(before.receivers).toHaveLength(1);
    expect(before.alertPath.length).toBeGreaterThan(0);
    expect((await withKey(oldKey, 'GET', '/v1/accounts/acme/tenants/gone/receivers')).status).toBe(200);

    // Act
    const deleted = await admin.call('DELETE', '/v1/accounts/acme/tenants/gone');
    const again = await admin.call('DELETE', '/v1/accounts/acme/tenants/gone');
    const recreated = await admin.call('PUT', '/v1/accounts/acme/tenants/gone', { bindings: [{ cluster: 'prod-eu', namespace: 'gone-ns' }] });

    // Assess
    expect(deleted.status).toBe(204);
    expect(again.status).toBe(404);
    expect(recreated.status).toBe(201);
    expect(recreated.body.keys).toEqual([]);
    expect(await everythingVisibleTo('gone', silence, fingerprint)).toEqual(nothing);
    expect((await withKey(oldKey, 'GET', '/v1/accounts/acme/tenants/gone')).status).toBe(401);
    expect((await withKey(oldKey, 'GET', '/v1/accounts/acme/tenants/gone/receivers')).status).toBe(401);
    // Routers are the operator's: one naming the tenant stays (it only narrows what the tenant's own access lets through).
    expect((await admin.call('GET', '/v1/accounts/acme/routers/to-gone')).status).toBe(200);
  }, 90_000);

  it('leaves nothing a new tenant of the same name inherits when the delete stopped right after removing the tenant', async () => {
    // Prepare: a tenant whose delete got as far as the tenant item and its access, then crashed before its objects went.
    const { silence } = await aTenantOwningOneOfEverything('halfway', 'halfway-ns');
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1' }));
    const stores = configStores(documents, { config: stack.resources.get('ConfigTable')!.ref, state: stack.resources.get('StateTable')!.ref });
    await retireTenant('acme', (await stores.tenants.get('acme', 'halfway'))!, stores);
    expect(await stores.receivers.listTenant('acme', 'halfway')).toHaveLength(1);

    // Act
    const meanwhile = await admin.call('GET', '/v1/accounts/acme/tenants/halfway/receivers');
    const recreated = await admin.call('PUT', '/v1/accounts/acme/tenants/halfway', { bindings: [{ cluster: 'prod-eu', namespace: 'halfway-ns' }] });

    // Assess
    expect(meanwhile.status).toBe(404);
    expect(recreated.status).toBe(201);
    expect(await everythingVisibleTo('halfway', silence)).toEqual(nothing);
  });

  it('finishes a delete that stopped half-way when the delete is repeated', async () => {
    const { silence } = await aTenantOwningOneOfEverything('retried', 'retried-ns');
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1' }));
    const stores = configStores(documents, { config: stack.resources.get('ConfigTable')!.ref, state: stack.resources.get('StateTable')!.ref });
    await retireTenant('acme', (await stores.tenants.get('acme', 'retried'))!, stores);

    const repeated = await admin.call('DELETE', '/v1/accounts/acme/tenants/retried');

    expect(repeated.status).toBe(204);
    expect(await stores.receivers.listTenant('acme', 'retried')).toEqual([]);
    expect(await stores.configs.all('acme', { kind: 'tenant', tenantId: 'retried' })).toEqual([]);
    expect((await stores.silences.all('acme')).filter((s) => s.id === silence)).toEqual([]);
    expect((await admin.call('DELETE', '/v1/accounts/acme/tenants/retried')).status).toBe(404);
  });

  it('refuses objects for a tenant that does not exist, so none can wait for a later tenant of that name', async () => {
    const response = await admin.call('PUT', '/v1/accounts/acme/tenants/not-yet/receivers/hook', { channel: 'webhook', settings: { url: `${receiver.url}/x` } });

    expect(response.status).toBe(404);
  });
});
