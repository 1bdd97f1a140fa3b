import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { adminClient, startTestStack } from '../helpers/local-stack.js';

const PATH_SECRET = 'PathSecretKept0451';
const TOKEN = 'HeaderTokenKept0452';
const CONFIG_TOKEN = 'ConfigTokenKept0453';
const SECRETS = [PATH_SECRET, TOKEN, CONFIG_TOKEN];
const A = '/v1/accounts/acme';

let stack: LocalStack;
let provider: Awaited<ReturnType<typeof startHttpReceiver>>;
let dynamodb: DynamoDBClient;
let operator: ReturnType<typeof adminClient>;
let teamA: ReturnType<typeof adminClient>;
let teamB: ReturnType<typeof adminClient>;

beforeAll(async () => {
  provider = await startHttpReceiver();
  stack = await startTestStack();
  operator = adminClient(stack);
  dynamodb = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  for (const tenant of ['team-a', 'team-b']) {
    const response = await operator.call('PUT', `${A}/tenants/${tenant}`, { displayName: tenant, bindings: [{ cluster: 'prod-eu', namespace: tenant }] });
    if (response.status >= 300) throw new Error(`tenant ${tenant}: ${response.status}`);
  }
  teamA = adminClient(stack, (await operator.call('POST', `${A}/tenants/team-a/keys`)).body.key);
  teamB = adminClient(stack, (await operator.call('POST', `${A}/tenants/team-b/keys`)).body.key);
}, 120_000);

afterAll(async () => {
  dynamodb?.destroy();
  await stack?.stop();
  await provider?.close();
});

/** Every item of the config table, as text to search. */
async function storedItems(): Promise<string> {
  const page = await dynamodb.send(new ScanCommand({ TableName: stack.resources.get('ConfigTable')!.ref }));
  return JSON.stringify(page.Items ?? []);
}

function expectNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) expect(text, `${where} holds ${secret}`).not.toContain(secret);
}

/** The PUT body that writes back what a GET answered, as the console does. */
function writtenBack(view: any, patch: Record<string, unknown> = {}) {
  return { channel: view.channel, settings: view.settings, grouping: view.ownGrouping, ...patch };
}

describe('secrets kept on edit, over the API of the local stack', () => {
  const path = `${A}/tenants/team-a/receivers/a-hook`;

  beforeAll(async () => {
    const created = await teamA.call('PUT', path, {
      channel: 'webhook',
      settings: { url: `${provider.url}/a/${PATH_SECRET}`, headers: { authorization: `Bearer ${TOKEN}`, 'x-team': 'a' } },
      grouping: { groupBy: ['alertname'] },
    });
    if (created.status !== 201) throw new Error(`a-hook: ${created.status} ${JSON.stringify(created.body)}`);
  });

  it('keep the sealed URL and header of a receiver saved with its masks, and test-send still carries them', async () => {
    // Prepare
    const read = await teamA.call('GET', path);

    // Act
    const saved = await teamA.call('PUT', path, writtenBack(read.body, { grouping: { groupBy: ['alertname', 'service'] } }), { 'if-match': `"${read.body.version}"` });
    const before = provider.requests.length;
    const tested = await teamA.call('POST', `${path}/test`);

    // Assess
    expect(saved.status).toBe(200);
    expect(saved.body.ownGrouping.groupBy).toEqual(['alertname', 'service']);
    expect(saved.body.settings).toEqual(read.body.settings);
    expect(tested.body.ok).toBe(true);
    const sent = provider.requests.slice(before);
    expect(sent.map((r) => [r.path, r.headers.authorization, r.headers['x-team']])).toEqual([[`/a/${PATH_SECRET}`, `Bearer ${TOKEN}`, 'a']]);
    expectNoSecret(JSON.stringify([read.body, saved.body, tested.body]), 'the answers');
    expectNoSecret(await storedItems(), 'the stored items');
  });

  it('keep a masked header, drop one left out and take a new one', async () => {
    const read = await teamA.call('GET', path);
    const settings = { url: read.body.settings.url, headers: { authorization: '<secret>', 'x-region': 'eu' } };

    const saved = await teamA.call('PUT', path, writtenBack(read.body, { settings }));
    const before = provider.requests.length;
    await teamA.call('POST', `${path}/test`);

    expect(saved.status).toBe(200);
    expect(saved.body.settings.headers).toEqual({ authorization: '<secret>', 'x-region': '<secret>' });
    const [request] = provider.requests.slice(before);
    expect([request!.headers.authorization, request!.headers['x-region'], request!.headers['x-team']]).toEqual([`Bearer ${TOKEN}`, 'eu', undefined]);
  });

  it('refuse the masks when the URL changes, naming the masked field and the destination, and store nothing', async () => {
    const read = await teamA.call('GET', path);

    const refused = await teamA.call('PUT', path, writtenBack(read.body, { settings: { url: `${provider.url}/collector`, headers: read.body.settings.headers } }));

    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([{ field: 'settings.headers', message: 'the destination (settings.url) changed: send the secret again' }]);
    expectNoSecret(JSON.stringify(refused.body), 'the refusal');
    expect((await teamA.call('GET', path)).body.version).toBe(read.body.version);
  });

  it("let no tenant keep, or learn anything of, another tenant's secret by naming its receiver", async () => {
    // Prepare: what team-a's receiver shows, as team-b would write it if it knew
    const masks = (await teamA.call('GET', path)).body;

    // Act
    const otherPath = await teamB.call('PUT', path, writtenBack(masks));
    const ownPath = await teamB.call('PUT', `${A}/tenants/team-b/receivers/a-hook`, writtenBack(masks));
    const global = await operator.call('PUT', `${A}/receivers/a-hook`, writtenBack(masks));

    // Assess: another owner's receiver is not the stored one, whatever its name
    expect(otherPath.status).toBe(403);
    expect(ownPath.status).toBe(400);
    expect(ownPath.body.issues.map((issue: { field: string }) => issue.field)).toEqual(['settings.url', 'settings.headers']);
    expect(ownPath.body.issues[0].message).toBe('is a masked value and nothing is stored to keep: send the secret itself');
    expect(global.status).toBe(400);
    expect((await teamB.call('GET', `${A}/tenants/team-b/receivers/a-hook`)).status).toBe(404);
    expect((await operator.call('GET', `${A}/receivers/a-hook`)).status).toBe(404);
    expectNoSecret(JSON.stringify([otherPath.body, ownPath.body, global.body]), 'the refusals');
  });
});

describe('config secrets kept on edit, over the API of the local stack', () => {
  const path = `${A}/tenants/team-a/configs/hook-auth`;

  it('keep a setting sent as <secret>, and a receiver using the config still sends it', async () => {
    // Prepare
    await teamA.call('PUT', path, { channel: 'webhook', labels: { auth: 'v1' }, settings: { headers: { authorization: `Bearer ${CONFIG_TOKEN}` } } });
    await teamA.call('PUT', `${A}/tenants/team-a/receivers/config-hook`, { channel: 'webhook', settings: { url: `${provider.url}/config-hook` }, configSelector: { auth: 'v2' } });

    // Act
    const saved = await teamA.call('PUT', path, { channel: 'webhook', labels: { auth: 'v2' }, settings: { headers: '<secret>' } });
    const before = provider.requests.length;
    const tested = await teamA.call('POST', `${A}/tenants/team-a/receivers/config-hook/test`);

    // Assess
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ labels: { auth: 'v2' }, settings: { headers: '<secret>' }, version: 2 });
    expect(tested.body.ok).toBe(true);
    expect(provider.requests.slice(before).map((r) => r.headers.authorization)).toEqual([`Bearer ${CONFIG_TOKEN}`]);
    expectNoSecret(await storedItems(), 'the stored items');
  });

  it('refuse <secret> when a destination setting is sent with a new value', async () => {
    const refused = await teamA.call('PUT', path, { channel: 'webhook', labels: { auth: 'v2' }, settings: { headers: '<secret>', url: `${provider.url}/collector` } });

    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([{ field: 'settings.headers', message: 'the destination (settings.url) changed: send the secret again' }]);
    expectNoSecret(JSON.stringify(refused.body), 'the refusal');
  });
});
