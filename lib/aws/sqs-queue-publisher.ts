import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sqsSafe, type QueueName, type QueuePublisher } from '../pipeline/queue.js';

/** Some messages were not accepted by SQS even after retrying them. */
export class QueueSendError extends Error {
  constructor(
    readonly queue: QueueName,
    readonly failed: number,
    detail: string,
  ) {
    super(`${failed} message(s) were not accepted by the ${queue} queue: ${detail}`);
    this.name = 'QueueSendError';
  }
}

const ENTRIES_PER_BATCH = 10;
const BATCH_BYTES = 256 * 1024;
const RETRIES = 3;

/**
 * Publishes through SendMessageBatch (fewer requests per alert), retrying the
 * entries SQS reports as failed; throws if any message is still not accepted,
 * so callers never report success for a message that is not on the queue.
 */
export class SqsQueuePublisher implements QueuePublisher {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrls: Record<QueueName, string>,
  ) {}

  async send(queue: QueueName, bodies: readonly string[], options: { delaySeconds?: number } = {}): Promise<void> {
    const url = this.queueUrls[queue];
    await Promise.all(batches(bodies.map(sqsSafe)).map((batch) => this.sendBatch(queue, url, batch, options.delaySeconds)));
  }

  private async sendBatch(queue: QueueName, url: string, bodies: string[], delaySeconds?: number): Promise<void> {
    let pending = bodies.map((body, index) => ({ Id: String(index), MessageBody: body, DelaySeconds: delaySeconds }));
    let lastError = '';
    for (let attempt = 0; attempt <= RETRIES && pending.length > 0; attempt++) {
      const result = await this.client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: pending }));
      const failed = new Set((result.Failed ?? []).map((entry) => entry.Id));
      lastError = (result.Failed ?? []).map((entry) => `${entry.Code}: ${entry.Message}`).join('; ');
      pending = pending.filter((entry) => failed.has(entry.Id));
      // Sender faults (too large, invalid) will fail again; only retry what SQS says was its fault.
      if ((result.Failed ?? []).some((entry) => entry.SenderFault)) break;
    }
    if (pending.length > 0) throw new QueueSendError(queue, pending.length, lastError);
  }
}

/** SendMessageBatch takes up to 10 entries and 256 KiB in all. */
function batches(bodies: readonly string[]): string[][] {
  const result: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const body of bodies) {
    const size = Buffer.byteLength(body);
    if (current.length === ENTRIES_PER_BATCH || (current.length > 0 && bytes + size > BATCH_BYTES)) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(body);
    bytes += size;
  }
  if (current.length > 0) result.push(current);
  return result;
}
