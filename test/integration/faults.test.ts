import { ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { anAlert, aNotification, anAlertmanagerAlert, anAlertmanagerWebhook } from '../helpers/builders.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { adminClient, eventually, startTestStack } from '../helpers/local-stack.js';
import { pipelineIdle } from '../helpers/pipeline-signals.js';

let stack: LocalStack;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
let admin: ReturnType<typeof adminClient>;
let cluster: { id: string; token: string };
let sqs: SQSClient;
const calls = new Map<string, number>();
let downUntilReplay = true;

beforeAll(async () => {
  receiver = await startHttpReceiver((request) => {
    const n = (calls.get(request.path) ?? 0) + 1;
    calls.set(request.path, n);
    if (request.path === '/flaky' && n <= 3) return { status: 503, body: 'down for maintenance' };
    if (request.path === '/throttled' && n === 1) return { status: 429, headers: { 'retry-after': '3' } };
    if (request.path === '/down' && downUntilReplay) return { status: 503, body: 'still down' };
    return { status: 200 };
  });
  stack = await startTestStack({ env: { TIDINGS_DELIVERY_RETRY_BASE_SECONDS: '1' } });
  admin = adminClient(stack);
  cluster = await admin.createCluster('acme', 'prod-eu');
  for (const name of ['flaky', 'throttled', 'steady']) await admin.putWebhookReceiver('acme', name, `${receiver.url}/${name}`);
  sqs = new SQSClient({ endpoint: stack.sqsEndpoint, region: 'us-east-1' });
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

const sent = (path: string, marker: string) => receiver.requests.filter((r) => r.path === path && r.body.includes(marker));
const queueUrl = (id: string) => stack.resources.get(id)!.ref;
/** The bodies on the delivery DLQ (a handful here), read without taking them: nothing consumes it but the replay. */
async function deadLetters(): Promise<string[]> {
  const page = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl('DeliveryDeadLetterQueue'), MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
  return (page.Messages ?? []).map((m) => m.Body ?? '');
}

describe('delivery under faults', () => {
  it('retries a receiver that fails three times, then delivers once, with history saying so', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl('DeliveryQueue'), MessageBody: JSON.stringify(aNotification({ id: 'n-flaky', receiver: { accountId: 'acme', name: 'flaky' } })) }));
    await eventually(() => (calls.get('/flaky') === 4 ? true : undefined), 30_000, 'the fourth attempt');
    const record = await eventually(async () => (await admin.history('acme')).items.find((i: any) => i.notificationId === 'n-flaky' && i.status === 'sent'));
    expect(record.attempts).toBe(4);
    // The message is gone from the delivery queue (not visible, in flight or delayed): no attempt is left to come.
    await pipelineIdle(stack, { delayed: ['DeliveryQueue'] });
    expect(calls.get('/flaky')).toBe(4);
  });

  it('waits at least Retry-After before retrying a 429', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl('DeliveryQueue'), MessageBody: JSON.stringify(aNotification({ id: 'n-429', receiver: { accountId: 'acme', name: 'throttled' } })) }));
    await eventually(() => (calls.get('/throttled') === 2 ? true : undefined), 20_000, 'the retry');
    const record = await eventually(async () => (await admin.history('acme')).items.find((i: any) => i.notificationId === 'n-429' && i.status === 'sent'));
    expect(record.attempts).toBe(2);
    // Retry-After: 3 was answered to the first attempt; the retry came no sooner (the configured backoff is 1 s).
    const [first, retry] = receiver.requests.filter((r) => r.path === '/throttled');
    expect(retry!.at - first!.at).toBeGreaterThanOrEqual(3000);
  });

  it('parks a poison message on the dead-letter queue without holding back its batch', async () => {
    const poison = '{"this is": not json';
    const good = JSON.stringify(aNotification({ id: 'n-next-to-poison', receiver: { accountId: 'acme', name: 'steady' }, alerts: [anAlert({ labels: { alertname: 'NextToPoison' } })] }));
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl('DeliveryQueue'),
        Entries: [
          { Id: 'poison', MessageBody: poison },
          { Id: 'good', MessageBody: good },
        ],
      }),
    );
    await eventually(() => (sent('/steady', 'NextToPoison').length === 1 ? true : undefined), 10_000, 'the good message');
    const parked = await eventually(async () => ((await deadLetters()).includes(poison) ? true : undefined), 20_000, 'the poison message in the DLQ');
    expect(parked).toBe(true);
    expect(await deadLetters()).not.toContain(good);
  });

  it('replays dead letters of the account back into delivery', async () => {
    const parked = JSON.stringify(aNotification({ id: 'n-parked', receiver: { accountId: 'acme', name: 'steady' }, alerts: [anAlertmanagerAlertAsNotification('ParkedAlert')] }));
    const foreign = JSON.stringify(aNotification({ id: 'n-foreign', receiver: { accountId: 'other', name: 'steady' } }));
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl('DeliveryDeadLetterQueue'),
        Entries: [
          { Id: 'a', MessageBody: parked },
          { Id: 'b', MessageBody: foreign },
        ],
      }),
    );
    const response = await admin.call('POST', '/v1/accounts/acme/dead-letters/replay', { queue: 'delivery', receiver: 'steady' });
    expect(response.status).toBe(200);
    expect(response.body.replayed).toBe(1);
    await eventually(() => (sent('/steady', 'ParkedAlert').length === 1 ? true : undefined), 15_000, 'the replayed notification');
    // The other account's notification stays parked; this account's is gone from the DLQ.
    const left = await deadLetters();
    expect(left).toContain(foreign);
    expect(left).not.toContain(parked);
  });

  it("answers 'why did I (not) get paged' from an alert's path", async () => {
    await admin.call('POST', '/v1/accounts/acme/silences', { matchers: ['alertname="PathProbe"', 'receiverless="yes"'], endsAt: new Date(Date.now() + 3600_000).toISOString(), createdBy: 't', comment: 'c' });
    const response = await fetch(`${stack.httpUrl}/ingest/${cluster.id}/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(anAlertmanagerWebhook([anAlertmanagerAlert({ labels: { alertname: 'PathProbe' } })])),
    });
    expect(response.status).toBe(200);
    await eventually(() => (sent('/steady', 'PathProbe').length > 0 ? true : undefined));
    const fp = sent('/steady', 'PathProbe')[0]!.json().alerts[0].fingerprint;
    const path = await eventually(async () => {
      const body = (await admin.call('GET', `/v1/accounts/acme/alerts/${fp}/history`)).body;
      return body.items.filter((e: any) => e.stage === 'notified').length >= 3 ? body.items : undefined;
    });
    const routed = path.find((e: any) => e.stage === 'routed');
    expect(routed).toMatchObject({ alertname: 'PathProbe', cluster: 'prod-eu', source: 'alertmanager-webhook' });
    expect(routed.receivers.map((r: any) => r.receiver).sort()).toEqual(['flaky', 'steady', 'throttled']);
    const notified = path.filter((e: any) => e.stage === 'notified').map((e: any) => e.receiver).sort();
    expect(notified).toEqual(['flaky', 'steady', 'throttled']);
  });
});

describe('a notification that gave up', () => {
  it('is on the dead-letter queue when history says parked, and a replay delivers it once', async () => {
    await admin.putWebhookReceiver('acme', 'down', `${receiver.url}/down`);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl('DeliveryQueue'), MessageBody: JSON.stringify(aNotification({ id: 'n-gave-up', receiver: { accountId: 'acme', name: 'down' } })) }));

    const failed = await eventually(async () => (await admin.history('acme')).items.find((i: any) => i.notificationId === 'n-gave-up' && i.status === 'failed'), 60_000, 'the give-up');
    expect(failed.reason).toMatch(/gave up after 5 attempts; parked on the dead-letter queue/);
    // Parked before history said so: it is on the dead-letter queue now, not after another receive.
    const peek = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl('DeliveryDeadLetterQueue'), MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
    expect((peek.Messages ?? []).some((m) => m.Body?.includes('n-gave-up'))).toBe(true);
    expect(calls.get('/down')).toBe(5);

    downUntilReplay = false;
    const response = await admin.call('POST', '/v1/accounts/acme/dead-letters/replay', { queue: 'delivery', receiver: 'down' });
    expect(response.body.replayed).toBe(1);
    const sentRecord = await eventually(async () => (await admin.history('acme')).items.find((i: any) => i.notificationId === 'n-gave-up' && i.status === 'sent'), 20_000, 'the replayed send');
    expect(sentRecord.attempts).toBe(1);
    expect(calls.get('/down')).toBe(6);
  });
});

function anAlertmanagerAlertAsNotification(alertname: string) {
  const alert = anAlertmanagerAlert({ labels: { alertname } });
  return { ...(alert as any), fingerprint: '00000000000000aa' };
}
