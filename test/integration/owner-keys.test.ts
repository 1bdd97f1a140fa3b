import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { configStores, ruleStores } from '../../lib/aws/dynamo-config.js';
import { adminClient, startTestStack } from '../helpers/local-stack.js';

let stack: LocalStack;
let admin: ReturnType<typeof adminClient>;
let documents: DynamoDBDocumentClient;
let configTable: string;

beforeAll(async () => {
  stack = await startTestStack();
  admin = adminClient(stack);
  documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1' }));
  configTable = stack.resources.get('ConfigTable')!.ref;
});

afterAll(async () => {
  await stack?.stop();
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
