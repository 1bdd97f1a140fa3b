import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/ports.js';
import { startSqsLocal } from '../../infra/local/sqs-local.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function sqsOn(dataDir: string) {
  const local = await startSqsLocal({ port: await freePort(), dataDir });
  const client = new SQSClient({ endpoint: local.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'work' }));
  local.restore();
  return { local, client, queueUrl: QueueUrl! };
}

describe('the local SQS stand-in on disk', () => {
  it('keeps every message it acknowledged, and forgets deleted ones, when the process dies before any snapshot', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'tidings-sqs-'));
    const crashCopy = mkdtempSync(join(tmpdir(), 'tidings-sqs-crash-'));
    dirs.push(dataDir, crashCopy);
    const first = await sqsOn(dataDir);

    // Act: accepted, received, deleted and in flight, all after the snapshot taken at start.
    await first.client.send(new SendMessageCommand({ QueueUrl: first.queueUrl, MessageBody: 'done' }));
    const [done] = (await first.client.send(new ReceiveMessageCommand({ QueueUrl: first.queueUrl }))).Messages!;
    await first.client.send(new DeleteMessageCommand({ QueueUrl: first.queueUrl, ReceiptHandle: done!.ReceiptHandle! }));
    await first.client.send(
      new SendMessageBatchCommand({
        QueueUrl: first.queueUrl,
        Entries: [
          { Id: '1', MessageBody: 'in flight' },
          { Id: '2', MessageBody: 'delayed', DelaySeconds: 1 },
        ],
      }),
    );
    await first.client.send(new ReceiveMessageCommand({ QueueUrl: first.queueUrl, MaxNumberOfMessages: 1 }));
    await first.client.send(new SendMessageCommand({ QueueUrl: first.queueUrl, MessageBody: 'acknowledged last' }));
    // What a kill -9 leaves on disk now: no stop(), no final snapshot.
    cpSync(dataDir, crashCopy, { recursive: true });
    const second = await sqsOn(crashCopy);

    // Assess
    try {
      const bodies: string[] = [];
      for (let i = 0; i < 10 && bodies.length < 3; i++) {
        const received = await second.client.send(new ReceiveMessageCommand({ QueueUrl: second.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        bodies.push(...(received.Messages ?? []).map((message) => message.Body!));
      }
      expect(bodies.sort()).toEqual(['acknowledged last', 'delayed', 'in flight']);
    } finally {
      await first.local.stop();
      await second.local.stop();
    }
  });

  it('keeps the receive count of a message that was in flight when the process died, as SQS does', async () => {
    // Prepare: a message received once and never deleted (its handler was running), then a crash.
    const dataDir = mkdtempSync(join(tmpdir(), 'tidings-sqs-'));
    const crashCopy = mkdtempSync(join(tmpdir(), 'tidings-sqs-crash-'));
    dirs.push(dataDir, crashCopy);
    const first = await sqsOn(dataDir);
    await first.client.send(new SendMessageCommand({ QueueUrl: first.queueUrl, MessageBody: 'being handled' }));
    const [inFlight] = (await first.client.send(new ReceiveMessageCommand({ QueueUrl: first.queueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }))).Messages!;
    expect(inFlight?.Attributes?.ApproximateReceiveCount).toBe('1');
    cpSync(dataDir, crashCopy, { recursive: true });

    // Act
    const second = await sqsOn(crashCopy);

    // Assess: its next receive is its second, so a consumer knows it as redelivered.
    try {
      const received = await second.client.send(
        new ReceiveMessageCommand({ QueueUrl: second.queueUrl, WaitTimeSeconds: 5, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
      );
      expect(received.Messages?.map((message) => [message.Body, message.Attributes?.ApproximateReceiveCount])).toEqual([['being handled', '2']]);
    } finally {
      await first.local.stop();
      await second.local.stop();
    }
  });
});
