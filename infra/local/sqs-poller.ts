import type { Message } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';
import type { QueueReader } from './queue-reader.js';

/** SQS's longest long poll. */
const IDLE_WAIT_SECONDS = 20;

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface PollerOptions {
  functionName: string;
  /** Enforces the function's timeout itself; a timeout is a thrown error, so the whole batch fails. */
  handler: SqsHandler;
  queueUrl: string;
  queueArn: string;
  region: string;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  reportsBatchItemFailures: boolean;
  timeoutSeconds: number;
  /** How many batches may be in flight at once, as Lambda scales pollers out. */
  concurrency: number;
  onInvocation?: (outcome: { functionName: string; records: number; failed: number; error?: unknown }) => void;
}

/**
 * Lambda's SQS event source mapping, locally: gathers up to `batchSize`
 * messages or until the batching window closes, invokes the handler with the
 * records Lambda would build, deletes the records the handler did not report
 * as failed, and leaves failed ones to reappear after their visibility
 * timeout (the queue's redrive policy then moves them to the DLQ).
 */
export class SqsPoller {
  private running = true;
  private readonly loops: Promise<void>[] = [];
  /** Ends the long polls in flight when the poller stops. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly queue: QueueReader,
    private readonly options: PollerOptions,
  ) {
    for (let i = 0; i < options.concurrency; i++) this.loops.push(this.loop());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        const messages = await this.gather();
        if (messages.length > 0) await this.invoke(messages);
      } catch (error) {
        if (this.running) {
          console.error(`[${this.options.functionName}] poller error:`, error);
          await sleep(500);
        }
      }
    }
  }

  private async gather(): Promise<Message[]> {
    const { batchSize, maximumBatchingWindowSeconds } = this.options;
    // Until the first message, a long poll of SQS's longest, as Lambda's pollers do: an idle queue costs no CPU.
    const batch = await this.receive(Math.min(10, batchSize), IDLE_WAIT_SECONDS);
    if (batch.length === 0 || maximumBatchingWindowSeconds === 0) return batch;
    // Then the batching window. While receives come back full the queue is busy: take more at once, so a
    // full batch is invoked without waiting (as Lambda does). Once one comes back short, the messages that
    // arrive meanwhile wait in the queue until the window closes, and are taken then. (Polling through the
    // window made most of the stack's SQS requests, each returning a message or two.)
    const windowEnds = Date.now() + maximumBatchingWindowSeconds * 1000;
    let full = batch.length === Math.min(10, batchSize);
    while (this.running && batch.length < batchSize) {
      if (!full) await this.sleepUnlessStopped(windowEnds - Date.now());
      const wanted = Math.min(10, batchSize - batch.length);
      const received = await this.receive(wanted, 0);
      batch.push(...received);
      full = received.length === wanted;
      if (!full && Date.now() >= windowEnds) break;
    }
    return batch;
  }

  private sleepUnlessStopped(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.stopping.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stopping.signal.addEventListener('abort', done);
    });
  }

  private receive(max: number, waitSeconds: number): Promise<Message[]> {
    // Only the idle long poll needs ending when the poller stops.
    return this.queue.receive(this.options.queueUrl, max, waitSeconds, waitSeconds === IDLE_WAIT_SECONDS ? this.stopping.signal : undefined);
  }

  private async invoke(messages: Message[]): Promise<void> {
    const { functionName, handler, timeoutSeconds, region } = this.options;
    const records = messages.map((message) => this.toRecord(message));
    let failedIds: Set<string>;
    let error: unknown;
    try {
      const response = await handler({ Records: records }, lambdaContext(functionName, timeoutSeconds, region));
      failedIds = new Set(
        this.options.reportsBatchItemFailures ? (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier) : [],
      );
    } catch (caught) {
      // A thrown error or a timeout fails the whole batch, exactly as in Lambda.
      error = caught;
      failedIds = new Set(records.map((record) => record.messageId));
    }
    const succeeded = messages.filter((message) => !failedIds.has(message.MessageId!));
    for (let i = 0; i < succeeded.length; i += 10) {
      await this.queue.delete(
        this.options.queueUrl,
        succeeded.slice(i, i + 10).map((message) => message.ReceiptHandle!),
      );
    }
    this.options.onInvocation?.({ functionName, records: records.length, failed: failedIds.size, error });
  }

  private toRecord(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
        SenderId: attributes.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          {
            dataType: value.DataType ?? 'String',
            ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
            // Base64 in the protocol's JSON, which the SDK decodes to bytes and fauxqs keeps as it came.
            ...(value.BinaryValue === undefined ? {} : { binaryValue: typeof value.BinaryValue === 'string' ? value.BinaryValue : Buffer.from(value.BinaryValue).toString('base64') }),
          },
        ]),
      ),
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn,
      awsRegion: this.options.region,
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
