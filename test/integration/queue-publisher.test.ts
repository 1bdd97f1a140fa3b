import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { SqsQueuePublisher } from '../../lib/aws/sqs-queue-publisher.js';
import { unpackBody, type QueueName } from '../../lib/pipeline/queue.js';
import { aStage } from '../helpers/local-stack.js';

let client: SQSClient;
let batchRequests = 0;
let urls: Record<QueueName, string>;

beforeAll(async () => {
  client = new SQSClient({ endpoint: inject('standIns').sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  client.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'SendMessageBatchCommand') batchRequests++;
      return next(args);
    },
    { step: 'initialize' },
  );
  const stage = aStage();
  const create = async (name: string) => (await client.send(new CreateQueueCommand({ QueueName: `${stage}-${name}` }))).QueueUrl!;
  urls = { signals: await create('signals'), alerts: await create('alerts'), groups: await create('groups'), delivery: await create('delivery') };
});

/** Every message on a queue now, as the consumer reads it (unpacked). */
async function drain(queue: QueueName, expected: number): Promise<Array<{ body: string }>> {
  const received: Array<{ body: string }> = [];
  while (received.length < expected) {
    const page = await client.send(new ReceiveMessageCommand({ QueueUrl: urls[queue], MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    if ((page.Messages ?? []).length === 0) break;
    received.push(...page.Messages!.map((m) => ({ body: unpackBody(m.Body!) })));
  }
  return received;
}

describe('SqsQueuePublisher', () => {
  it('lets sends made within the linger share batch requests, each message keeping its own delay', async () => {
    // Prepare
    const publisher = new SqsQueuePublisher(client, urls, 50);
    const before = batchRequests;

    // Act: twelve one-message sends, as twelve flushes of an aggregation batch make them; two delayed.
    const sends = Array.from({ length: 12 }, (_, i) => publisher.send('groups', [JSON.stringify({ n: i })], i >= 10 ? { delaySeconds: 900 } : {}));
    await Promise.all(sends);

    // Assess: two requests instead of twelve; the delayed ones are not visible yet.
    expect(batchRequests - before).toBe(2);
    const visible = await drain('groups', 10);
    expect(visible.map((m) => (JSON.parse(m.body) as { n: number }).n).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('compresses large bodies on the queue and the consumer reads them back unchanged', async () => {
    // Prepare: a notification-sized body of similar alerts.
    const publisher = new SqsQueuePublisher(client, urls);
    const body = JSON.stringify({ type: 'notification', alerts: Array.from({ length: 100 }, (_, i) => ({ labels: { alertname: 'HighLatency', pod: `api-${i}` }, annotations: { summary: 'p99 latency above 2s' } })) });

    // Act
    await publisher.send('delivery', [body]);

    // Assess
    const raw = await client.send(new ReceiveMessageCommand({ QueueUrl: urls.delivery, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }));
    const onQueue = raw.Messages![0]!.Body!;
    expect(onQueue.length).toBeLessThan(body.length / 4);
    expect(unpackBody(onQueue)).toBe(body);
  });

  it('fails only the send whose message SQS refused, even when it shared a request with others', async () => {
    // Prepare: one message over the SQS limit (1 MiB since 2025; 256 KiB before) even compressed.
    const publisher = new SqsQueuePublisher(client, urls, 50);
    const tooLarge = JSON.stringify({ blob: Array.from({ length: 1_200_000 }, () => String.fromCharCode(35 + Math.floor(Math.random() * 80))).join('') });

    // Act
    const [good, bad] = await Promise.allSettled([publisher.send('alerts', ['{"ok":1}']), publisher.send('alerts', [tooLarge, '{"ok":2}'])]);

    // Assess
    expect(good.status).toBe('fulfilled');
    expect(bad.status).toBe('rejected');
    // SQS refuses the request that carries it as a whole; the others went in requests of their own.
    expect(String((bad as PromiseRejectedResult).reason)).toMatch(/too ?long/i);
    expect((await drain('alerts', 2)).map((m) => m.body).sort()).toEqual(['{"ok":1}', '{"ok":2}']);
  });
});
