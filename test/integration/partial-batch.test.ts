import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { aNotification } from '../helpers/builders.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { adminClient, eventually, startTestStack } from '../helpers/local-stack.js';

let stack: LocalStack;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
const invocations: Array<{ functionName: string; records: number; failed: number }> = [];

beforeAll(async () => {
  // The "flaky" receiver fails its first call with a 503; the others always succeed.
  let flakyCalls = 0;
  receiver = await startHttpReceiver((request) => {
    if (request.path.startsWith('/flaky') && flakyCalls++ === 0) return { status: 503, body: 'try later' };
    return { status: 200 };
  });
  stack = await startTestStack({
    env: { TIDINGS_DELIVERY_RETRY_BASE_SECONDS: '1' },
    onInvocation: (outcome) => invocations.push(outcome),
  });
  const admin = adminClient(stack);
  for (const name of ['steady-a', 'flaky', 'steady-b']) await admin.putWebhookReceiver('acme', name, `${receiver.url}/${name}`);
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

describe('one failing record in an SQS batch', () => {
  it('is redelivered on its own while the rest of its batch is delivered once', async () => {
    const sqs = new SQSClient({ endpoint: stack.sqsEndpoint, region: 'us-east-1' });
    const entries = ['steady-a', 'flaky', 'steady-b'].map((name, index) => ({
      Id: String(index),
      MessageBody: JSON.stringify(aNotification({ id: `n-${name}`, receiver: { accountId: 'acme', name } })),
    }));

    await sqs.send(new SendMessageBatchCommand({ QueueUrl: stack.resources.get('DeliveryQueue')!.ref, Entries: entries }));

    await eventually(() => (receiver.requests.filter((r) => r.path === '/flaky').length === 2 ? true : undefined), 20_000, 'the retry');
    const calls = (path: string) => receiver.requests.filter((request) => request.path === path).length;
    expect(calls('/steady-a')).toBe(1);
    expect(calls('/steady-b')).toBe(1);
    expect(calls('/flaky')).toBe(2);

    const deliverRuns = () => invocations.filter((run) => run.functionName.endsWith('-deliver'));
    const recordsSeen = () => deliverRuns().reduce((sum, run) => sum + run.records, 0);
    await eventually(() => (recordsSeen() >= 4 ? true : undefined), 5_000, 'the retry invocation to finish');
    expect(recordsSeen()).toBe(4);
    expect(deliverRuns().reduce((sum, run) => sum + run.failed, 0)).toBe(1);

    const history = await eventually(async () => {
      const page = await adminClient(stack).history('acme');
      const flaky = page.items.find((item: any) => item.notificationId === 'n-flaky');
      return flaky?.status === 'sent' ? page.items : undefined;
    });
    const byId = Object.fromEntries(history.map((item: any) => [item.notificationId, item]));
    expect(byId['n-flaky']).toMatchObject({ status: 'sent', attempts: 2 });
    expect(byId['n-steady-a']).toMatchObject({ status: 'sent', attempts: 1 });
    expect(byId['n-steady-b']).toMatchObject({ status: 'sent', attempts: 1 });
  });
});
