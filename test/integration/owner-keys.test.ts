import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { configStores, ruleStores } from '../../lib/aws/dynamo-config.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { adminClient, eventually, startTestStack } from '../helpers/local-stack.js';

let stack: LocalStack;
let admin: ReturnType<typeof adminClient>;
let documents: DynamoDBDocumentClient;
let configTable: string;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;

beforeAll(async () => {
  receiver = await startHttpReceiver();
  stack = await startTestStack();
  admin = adminClient(stack);
  documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1' }));
  configTable = stack.resources.get('ConfigTable')!.ref;
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

async function expectOk(method: string, path: string, body?: unknown) {
  const response = await admin.call(method, path, body);
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

async function storedKeys(account: string): Promise<Array<{ sk: string; owner?: unknown }>> {
  const result = await documents.send(
    new QueryCommand({ TableName: configTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ACCOUNT#${account}` } }),
  );
  return (result.Items ?? []).map((item) => ({ sk: item.sk as string, ...(item.sk.startsWith('RULEDEF#') ? { owner: item.owner } : {}) }));
}

describe('stores keyed by typed owners', () => {
  it('write the item keys and owner attributes they always wrote, so existing data still reads', async () => {
    const tenant = '/v1/accounts/keys/tenants/team-a';
    await expectOk('PUT', tenant, { bindings: [{ cluster: 'prod', namespace: 'shop' }] });
    for (const base of ['/v1/accounts/keys', tenant]) {
      await expectOk('PUT', `${base}/configs/smtp`, { channel: 'webhook', settings: { headers: { authorization: 'Bearer x' } } });
      await expectOk('PUT', `${base}/template-sets/terse`, { templates: { text: '{{status}}' } });
      await expectOk('PUT', `${base}/language-packs/de`, { dictionary: { firing: 'feuert' } });
      await expectOk('PUT', `${base}/rules/backoff`, { signal: 'event', condition: 'reason = "BackOff"' });
      await expectOk('PUT', `${base}/rule-definitions`, { macros: { warn: 'type = "Warning"' } });
      await expectOk('PUT', `${base}/inhibit-rules/node-down`, { sourceMatchers: ['alertname="NodeDown"'], targetMatchers: ['severity="warning"'] });
    }

    const keys = await storedKeys('keys');

    expect(keys).toEqual(
      expect.arrayContaining([
        { sk: 'TENANT#team-a' },
        ...Object.entries({ CONFIG: 'smtp', TEMPLATESET: 'terse', LANGPACK: 'de', RULE: 'backoff', INHIBIT: 'node-down' }).flatMap(([kind, name]) => [
          { sk: `${kind}#GLOBAL#${name}` },
          { sk: `${kind}#TENANT#team-a#${name}` },
        ]),
        { sk: 'RULEDEF#GLOBAL', owner: 'GLOBAL' },
        { sk: 'RULEDEF#TENANT#team-a', owner: 'TENANT#team-a' },
      ]),
    );
  });

  it('read items written in the stored format as typed owners', async () => {
    // Prepare: items as earlier versions wrote them, straight into the table.
    const put = (item: Record<string, unknown>) => documents.send(new PutCommand({ TableName: configTable, Item: { pk: 'ACCOUNT#legacy', ...item } }));
    await put({ sk: 'RULEDEF#TENANT#team-b', accountId: 'legacy', owner: 'TENANT#team-b', macros: { warn: 'type = "Warning"' }, version: 3 });
    await put({ sk: 'RULEDEF#GLOBAL', accountId: 'legacy', owner: 'GLOBAL', lists: { verbs: ['get'] }, version: 1 });
    await put({ sk: 'TEMPLATESET#TENANT#team-b#terse', accountId: 'legacy', tenantId: 'team-b', name: 'terse', templates: { text: 'x' }, version: 1 });
    const stores = configStores(documents, { config: configTable, state: stack.resources.get('StateTable')!.ref });
    const rules = ruleStores(documents, configTable);

    // Act
    const tenantDefinitions = await rules.definitions.get('legacy', { kind: 'tenant', tenantId: 'team-b' });
    const everyDefinition = await rules.definitions.all('legacy');
    const tenantSets = await stores.templateSets.all('legacy', { kind: 'tenant', tenantId: 'team-b' });
    const globalSets = await stores.templateSets.all('legacy', { kind: 'global' });

    // Assess
    expect(tenantDefinitions).toEqual({ accountId: 'legacy', owner: { kind: 'tenant', tenantId: 'team-b' }, macros: { warn: 'type = "Warning"' }, version: 3 });
    expect(everyDefinition.map((d) => d.owner)).toEqual([{ kind: 'global' }, { kind: 'tenant', tenantId: 'team-b' }]);
    expect(tenantSets.map((s) => s.name)).toEqual(['terse']);
    expect(globalSets).toEqual([]);
  });

  it("answers an owner's rule definitions with a typed owner, not a storage key", async () => {
    await expectOk('PUT', '/v1/accounts/shown/tenants/team-c', {});
    await expectOk('PUT', '/v1/accounts/shown/tenants/team-c/rule-definitions', { macros: { warn: 'type = "Warning"' } });

    const definitions = await expectOk('GET', '/v1/accounts/shown/tenants/team-c/rule-definitions');

    expect(definitions.owner).toEqual({ kind: 'tenant', tenantId: 'team-c' });
  });
});

describe('the filter reading definitions by owner', () => {
  it("applies the operator's macros to its rules and a tenant's macros to that tenant's rules", async () => {
    // Prepare: a cluster, a global and a tenant receiver, and one rule per owner, each through its owner's own macro.
    const cluster = await admin.createCluster('filtering', 'prod-eu');
    await admin.putWebhookReceiver('filtering', 'ops', `${receiver.url}/ops`);
    const tenant = '/v1/accounts/filtering/tenants/team-shop';
    await expectOk('PUT', tenant, { bindings: [{ cluster: 'prod-eu', namespace: 'shop' }] });
    await expectOk('PUT', `${tenant}/receivers/hook`, { channel: 'webhook', settings: { url: `${receiver.url}/team-shop` }, grouping: { groupWait: '0s' } });
    await expectOk('PUT', '/v1/accounts/filtering/rule-definitions', { macros: { 'backoff-by-operator': 'reason = "BackOff"' } });
    await expectOk('PUT', `${tenant}/rule-definitions`, { macros: { 'backoff-by-tenant': 'reason = "BackOff"' } });
    await expectOk('PUT', '/v1/accounts/filtering/rules/operator-backoff', { signal: 'event', condition: '${backoff-by-operator}' });
    await expectOk('PUT', `${tenant}/rules/tenant-backoff`, { signal: 'event', condition: '${backoff-by-tenant}', scope: { level: 'namespace', namespace: 'shop' } });
    const event = JSON.parse(readFileSync('test/fixtures/kubernetes/core-v1-events.json', 'utf8')).crashLoopBackOff;
    const now = new Date().toISOString();
    Object.assign(event, { reason: 'BackOff', lastTimestamp: now, firstTimestamp: now, involvedObject: { ...event.involvedObject, namespace: 'shop', name: 'owner-e2e' } });

    // Act
    const response = await fetch(`${stack.httpUrl}/ingest/${cluster.id}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'EventList', apiVersion: 'v1', items: [event] }),
    });

    // Assess
    expect(response.status).toBe(200);
    const alertnames = (path: string) =>
      receiver.requests.filter((r) => r.path === path).flatMap((r) => (r.json() as { alerts: Array<{ labels: Record<string, string> }> }).alerts.map((a) => a.labels.alertname));
    await eventually(() => (alertnames('/ops').includes('operator-backoff') ? true : undefined), 20_000, "the operator's rule");
    await eventually(() => (alertnames('/team-shop').includes('tenant-backoff') ? true : undefined), 20_000, "the tenant's rule");
  });
});
