import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/ports.js';
import { protocolQueueReader, type QueueReader } from '../../infra/local/queue-reader.js';
import { startSqsLocal, type SqsLocal } from '../../infra/local/sqs-local.js';

let sqsLocal: SqsLocal;
let client: SQSClient;
let readers: Record<'in-process' | 'protocol', QueueReader>;

beforeAll(async () => {
  sqsLocal = await startSqsLocal({ port: await freePort() });
  const config = { endpoint: sqsLocal.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  client = new SQSClient(config);
  readers = {
    'in-process': sqsLocal.reader!,
    protocol: protocolQueueReader({ longPolls: client, requests: new SQSClient({ ...config, cacheMiddleware: true }) }),
  };
});

afterAll(async () => {
  await sqsLocal?.stop();
});

async function aQueue(name: string, attributes: Record<string, string> = {}): Promise<string> {
  return (await client.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '1', ...attributes } }))).QueueUrl!;
}

describe.each(['in-process', 'protocol'] as const)('the %s queue reader', (kind) => {
  it('receives a message with its body, attributes and receive count, and a deleted one never comes back', async () => {
    const queue = await aQueue(`reader-${kind}`);
    await client.send(
      new SendMessageCommand({ QueueUrl: queue, MessageBody: '{"n":1}', MessageAttributes: { 'tidings-replayed': { DataType: 'String', StringValue: 'yes' } } }),
    );

    const [first] = await readers[kind].receive(queue, 10, 1);
    expect(first).toMatchObject({ Body: '{"n":1}', MessageAttributes: { 'tidings-replayed': { DataType: 'String', StringValue: 'yes' } } });
    expect(first!.Attributes).toMatchObject({ ApproximateReceiveCount: '1' });

    // Not deleted: visible again after its 1 s visibility timeout, received a second time.
    const [again] = await readers[kind].receive(queue, 10, 5);
    expect(again).toMatchObject({ MessageId: first!.MessageId, Attributes: { ApproximateReceiveCount: '2' } });
    await readers[kind].delete(queue, [again!.ReceiptHandle!]);

    const attributes = await client.send(new GetQueueAttributesCommand({ QueueUrl: queue, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    expect(attributes.Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it("moves a message received too often to the queue's dead-letter queue", async () => {
    const dlq = await aQueue(`reader-${kind}-dlq`);
    const dlqArn = (await client.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const queue = await aQueue(`reader-${kind}-redrive`, { RedrivePolicy: JSON.stringify({ maxReceiveCount: 1, deadLetterTargetArn: dlqArn }) });
    await client.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'poison' }));

    expect(await readers[kind].receive(queue, 10, 1)).toHaveLength(1);
    // The second receive finds it past maxReceiveCount: it goes to the dead-letter queue instead.
    expect(await readers[kind].receive(queue, 10, 3)).toEqual([]);
    const [parked] = await readers[kind].receive(dlq, 10, 1);
    expect(parked?.Body).toBe('poison');
  });

  it('ends a long poll when its signal is aborted, answering no messages', async () => {
    const queue = await aQueue(`reader-${kind}-abort`);
    const stopping = new AbortController();
    const polling = readers[kind].receive(queue, 10, 20, stopping.signal).catch((error: unknown) => error);
    stopping.abort();
    const outcome = await polling;
    // The SDK rejects with an abort error; the in-process reader answers nothing. Either way no message is handed out.
    expect(Array.isArray(outcome) ? outcome : (outcome as Error).name).toEqual(kind === 'in-process' ? [] : 'AbortError');
  });
});
