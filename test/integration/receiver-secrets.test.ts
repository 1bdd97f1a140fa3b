import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { anAlertmanagerAlert, anAlertmanagerWebhook } from '../helpers/builders.js';
import { startHttpReceiver, type ReceivedRequest } from '../helpers/http-receiver.js';
import { adminClient, eventually, startTestStack } from '../helpers/local-stack.js';

/** Planted secrets; `tricky` holds what escaping changes (a quote, a backslash, runs of spaces, `%`, `+`, `&`). */
const S = {
  tricky: 'tri"cky\\Sec  ret+Val%ue&901',
  path: 'PathSecretValue904xyz',
  query: 'QuerySecretValue905',
  token: 'tok3nSecretValue906',
  bot: '987654:BotTokenSecretValue907',
  routingKey: 'Routing"Key\\Sec  ret+0123456789a',
  pushoverToken: 'PushoverTokenSecret01234567890',
  pushoverUser: 'PushoverUserSecret012345678901',
  aws: 'AwsSecretAccessKeyValue908',
};
const SECRETS = Object.values(S);

/** One receiver per HTTP channel, each with its credentials written in its own settings. */
const RECEIVERS: Record<string, (base: string) => { channel: string; settings: Record<string, unknown> }> = {
  hook: (base) => ({
    channel: 'webhook',
    settings: { url: `${base}/hook/${S.path}?token=${S.query}`, headers: { authorization: `Bearer ${S.token}`, 'x-api-key': S.tricky } },
  }),
  'slack-bot': (base) => ({ channel: 'slack', settings: { token: S.tricky, channel: 'C1', apiBaseUrl: base } }),
  'slack-hook': (base) => ({ channel: 'slack', settings: { webhookUrl: `${base}/services/T0/B0/${S.path}` } }),
  dingtalk: (base) => ({ channel: 'dingtalk', settings: { accessToken: S.tricky, secret: S.token, apiBaseUrl: base } }),
  feishu: (base) => ({ channel: 'feishu', settings: { token: S.tricky, secret: S.token, apiBaseUrl: base } }),
  wecom: (base) => ({ channel: 'wecom', settings: { key: S.tricky, apiBaseUrl: base } }),
  'wecom-app': (base) => ({ channel: 'wecom-app', settings: { corpId: 'ww1', corpSecret: S.tricky, agentId: 1, toUser: ['@all'], apiBaseUrl: base } }),
  teams: (base) => ({ channel: 'teams', settings: { webhookUrl: `${base}/workflows/${S.path}/invoke?sig=${S.query}` } }),
  discord: (base) => ({ channel: 'discord', settings: { webhookUrl: `${base}/api/webhooks/1/${S.path}` } }),
  telegram: (base) => ({ channel: 'telegram', settings: { botToken: S.bot, chatId: 1, apiBaseUrl: base } }),
  googlechat: (base) => ({ channel: 'googlechat', settings: { webhookUrl: `${base}/v1/spaces/A/messages?key=${S.query}&token=${S.token}` } }),
  pagerduty: (base) => ({ channel: 'pagerduty', settings: { routingKey: S.routingKey, url: `${base}/v2/enqueue` } }),
  pushover: (base) => ({ channel: 'pushover', settings: { token: S.pushoverToken, user: S.pushoverUser, apiUrl: `${base}/1/messages.json` } }),
  aliyun: (base) => ({
    channel: 'sms-aliyun',
    settings: { accessKeyId: S.tricky, accessKeySecret: S.token, signName: 'tidings', templateCode: 'SMS_1', phoneNumbers: ['8613800000000'], endpoint: `${base}/` },
  }),
  tencent: (base) => ({
    channel: 'sms-tencent',
    settings: { secretId: S.tricky, secretKey: S.token, smsSdkAppId: '1400000000', templateId: '1', phoneNumbers: ['+8613800000000'], endpoint: `${base}/` },
  }),
  huawei: (base) => ({
    channel: 'sms-huawei',
    settings: { appKey: S.tricky, appSecret: S.token, sender: '8824', templateId: 't', phoneNumbers: ['+8613800000000'], endpoint: base },
  }),
  sns: (base) => ({
    channel: 'sms-sns',
    settings: { region: 'us-east-1', endpoint: base, phoneNumbers: ['+4915112345678'], credentials: { accessKeyId: 'AKIAEXAMPLEKEY00001', secretAccessKey: S.aws } },
  }),
};

/** What the provider received, echoed back padded, escaped and encoded, in every field an error is read from. */
function hostileEcho(request: ReceivedRequest) {
  const echo = `${request.path} ${JSON.stringify(request.headers)} ${request.body}`;
  const decoded = `${decodeURIComponent(request.path)} ${SECRETS.filter((s) => echo.includes(encodeURIComponent(s)) || echo.includes(JSON.stringify(s).slice(1, -1))).join(' ')}`;
  const text = `${'p'.repeat(185)}${decoded} ${JSON.stringify(echo)} ${encodeURIComponent(echo)} ${echo.replace(/\s+/g, ' ')}`.slice(0, 8000);
  const body = { ok: false, error: text, errcode: 40001, errmsg: text, code: 19021, msg: text, description: text, message: text, errors: [text], Message: text };
  return { status: 500, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
}

/** Neither a secret nor its first 8 characters, in any of the forms it could leak in. */
function expectNoSecrets(text: string, where: string): void {
  for (const secret of SECRETS) {
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), secret.replace(/\s+/g, ' ')]) {
      expect(text, `${where} leaks ${form}`).not.toContain(form.slice(0, 8));
    }
  }
}

let stack: LocalStack;
let provider: Awaited<ReturnType<typeof startHttpReceiver>>;
let admin: ReturnType<typeof adminClient>;
let dynamodb: DynamoDBClient;
const written: Record<string, any> = {};
const logged: string[] = [];
const writeStdout = process.stdout.write.bind(process.stdout);

beforeAll(async () => {
  // The functions run in this process and log to stdout: keep every line to search it.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logged.push(String(chunk));
    return writeStdout(chunk as string, ...(rest as []));
  }) as typeof process.stdout.write;
  provider = await startHttpReceiver(hostileEcho);
  stack = await startTestStack({ logLevel: 'DEBUG', env: { TIDINGS_DELIVERY_RETRY_BASE_SECONDS: '60' } });
  admin = adminClient(stack);
  dynamodb = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  for (const [name, receiver] of Object.entries(RECEIVERS)) {
    const response = await admin.call('PUT', `/v1/accounts/acme/receivers/${name}`, {
      ...receiver(provider.url),
      grouping: { groupBy: ['alertname'], groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' },
    });
    if (response.status !== 201) throw new Error(`PUT ${name}: ${response.status} ${JSON.stringify(response.body)}`);
    written[name] = response.body;
  }
}, 120_000);

afterAll(async () => {
  process.stdout.write = writeStdout;
  dynamodb?.destroy();
  await stack?.stop();
  await provider?.close();
});

async function scanAll(): Promise<string> {
  const items: unknown[] = [];
  for (const table of ['ConfigTable', 'StateTable', 'HistoryTable']) {
    let startKey: Record<string, any> | undefined;
    do {
      const page = await dynamodb.send(new ScanCommand({ TableName: stack.resources.get(table)!.ref, ExclusiveStartKey: startKey }));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }
  return JSON.stringify(items);
}

describe('receivers with credentials in their own settings, on the local stack', () => {
  it('store no plaintext secret in any item of any table: the receiver item holds masks and one sealed value', async () => {
    const raw = await dynamodb.send(new ScanCommand({ TableName: stack.resources.get('ConfigTable')!.ref }));
    const hook = raw.Items!.find((item) => item.sk?.S === 'RECEIVER#GLOBAL#hook')!;

    expect(hook.sealedSettings?.S).toMatch(/^local:v1:/);
    expect(hook.settings?.M?.url?.S).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/<redacted>$/);
    expectNoSecrets(await scanAll(), 'the stored items');
  });

  it('mask them in the PUT answer, the GET answer and the list', async () => {
    const list = await admin.call('GET', '/v1/accounts/acme/receivers');
    expect(list.body.items).toHaveLength(Object.keys(RECEIVERS).length);
    expectNoSecrets(JSON.stringify(list.body), 'the list');
    expectNoSecrets(JSON.stringify(written), 'the PUT answers');
    const one = await admin.call('GET', '/v1/accounts/acme/receivers/hook');
    expect(one.body.settings.headers).toEqual({ authorization: '<secret>', 'x-api-key': '<secret>' });
    expectNoSecrets(JSON.stringify(one.body), 'the GET answer');
  });

  it('send with the opened secrets, and the test-send answer quotes none of them back', async () => {
    for (const name of Object.keys(RECEIVERS)) {
      const before = provider.requests.length;
      const answer = await admin.call('POST', `/v1/accounts/acme/receivers/${name}/test`);

      expect(answer.status, name).toBe(200);
      expect(answer.body.ok, name).toBe(false);
      expectNoSecrets(JSON.stringify(answer.body), `the test-send answer of ${name}`);
      // The provider got the real credentials, not masks.
      const sent = provider.requests.slice(before).map((r) => `${decodeURIComponent(r.path)} ${JSON.stringify(r.headers)} ${r.body}`).join('\n');
      expect(sent, name).not.toContain('<secret>');
      expect(sent, name).not.toContain('<redacted>');
    }
    expect(provider.requests.some((r) => r.headers['x-api-key'] === S.tricky)).toBe(true);
  });

  it('record failed deliveries in history, explain and logs without any of them', async () => {
    const cluster = await admin.createCluster('acme', 'prod-eu');
    const alert = anAlertmanagerAlert({ labels: { alertname: 'SecretEchoProbe', severity: 'critical' } });
    const response = await fetch(`${stack.httpUrl}/ingest/${cluster.id}/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(anAlertmanagerWebhook([alert])),
    });
    expect(response.status).toBe(200);

    const history = await eventually(
      async () => {
        const page = await admin.history('acme', '?limit=100');
        const probes = page.items.filter((item: any) => item.alertnames?.includes('SecretEchoProbe'));
        return probes.length >= Object.keys(RECEIVERS).length ? page : undefined;
      },
      60_000,
      'a history record for every receiver',
    );
    expect(history.items.filter((item: any) => item.status !== 'sent' && item.reason).length).toBeGreaterThanOrEqual(Object.keys(RECEIVERS).length);
    expectNoSecrets(JSON.stringify(history), 'the history answer');

    const explain = await admin.call('POST', '/v1/accounts/acme/explain', { labels: { alertname: 'SecretEchoProbe' } });
    expect(explain.status).toBe(200);
    expectNoSecrets(JSON.stringify(explain.body), 'the explain answer');

    expect(logged.join('').length).toBeGreaterThan(0);
    expectNoSecrets(logged.join(''), 'the logs');
    expectNoSecrets(await scanAll(), 'the stored items after delivery');
  });
});
