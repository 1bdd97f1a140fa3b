import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';

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
    private readonly sqs: SQSClient,
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
    const batch: Message[] = [];
    let windowEnds: number | undefined;
    while (this.running && batch.length < batchSize) {
      // Until the first message, a long poll of SQS's longest (as Lambda's pollers do; an idle queue costs no CPU);
      // then short ones until the batching window closes.
      const remainingMs = windowEnds === undefined ? IDLE_WAIT_SECONDS * 1000 : windowEnds - Date.now();
      if (remainingMs <= 0) break;
      const waitSeconds = windowEnds === undefined ? IDLE_WAIT_SECONDS : Math.min(1, Math.floor(remainingMs / 1000));
      const received = await this.receive(Math.min(10, batchSize - batch.length), waitSeconds);
      batch.push(...received);
      if (batch.length === 0) continue;
      if (maximumBatchingWindowSeconds === 0) break;
      windowEnds ??= Date.now() + maximumBatchingWindowSeconds * 1000;
      if (received.length === 0 && remainingMs < 1000) await sleep(Math.min(remainingMs, 100));
    }
    return batch;
  }

  private async receive(max: number, waitSeconds: number): Promise<Message[]> {
    const result = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: this.stopping.signal },
    );
    return result.Messages ?? [];
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
      const chunk = succeeded.slice(i, i + 10);
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
        }),
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
            ...(value.BinaryValue === undefined ? {} : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
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
