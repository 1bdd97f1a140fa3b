import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { PermanentMessageError } from '../../lib/pipeline/permanent-error.js';
import { retryDelaySeconds, type BackoffPolicy } from '../../lib/pipeline/retry-delay.js';
import { sqsClientModule } from './lazy-sqs.js';
import { integerEnv, requireEnv } from './environment.js';
import type { QueueName } from '../../lib/pipeline/queue.js';
import { REPLAYED_ATTRIBUTE } from '../../lib/pipeline/dead-letters.js';

export interface RecordHandlerOptions {
  /** The URL of the queue this function consumes, to reschedule failed records. */
  queueUrl: () => string;
  /** Where records that cannot succeed are parked: the consumed queue's dead-letter queue. */
  deadLetterQueueUrl: () => string;
  /** The queue's `maxReceiveCount`: a record failing this many receives is parked at once. */
  maxReceiveCount: number;
  backoff: BackoffPolicy;
  /** A retry hint the error carries (e.g. Retry-After), in milliseconds. */
  retryAfterMs?: (error: unknown) => number | undefined;
}

/**
 * Wraps a per-record processor as an SQS handler that reports partial batch
 * failures: records that fail are retried on their own, while the rest of the
 * batch is deleted. A failed record's visibility is set to its backoff delay
 * rather than left at the queue's timeout. A record that can never succeed
 * (a {@link PermanentMessageError}) or that failed its last attempt is parked
 * on the dead-letter queue by the handler itself, at once, rather than waiting
 * for the queue's redrive on a later receive; the redrive policy stays as the
 * safety net for a worker that dies. A parked record is reported as done.
 */
export function sqsRecordHandler(
  logger: Logger,
  options: RecordHandlerOptions,
  processBatch: (records: SQSRecord[]) => Array<Promise<unknown>>,
): middy.MiddyfiedHandler<SQSEvent, SQSBatchResponse> {
  return middy<SQSEvent, SQSBatchResponse>()
    .use(
      sqsPartialBatchFailure({
        logger: (reason: unknown, record: SQSRecord) =>
          logger.warn('record failed; it will be retried', {
            messageId: record.messageId,
            receiveCount: record.attributes.ApproximateReceiveCount,
            error: describeError(reason),
          }),
      }),
    )
    .handler(async (event) => {
      const results = await Promise.allSettled(processBatch(event.Records));
      return Promise.all(
        results.map(async (result, index): Promise<PromiseSettledResult<unknown>> => {
          if (result.status === 'fulfilled') return result;
          const record = event.Records[index]!;
          const permanent = result.reason instanceof PermanentMessageError;
          if (permanent || receiveCount(record) >= options.maxReceiveCount) {
            if (await park(record, result.reason, options, logger)) return { status: 'fulfilled', value: undefined };
          }
          const delay = permanent ? 0 : retryDelaySeconds(receiveCount(record), options.backoff, options.retryAfterMs?.(result.reason));
          try {
            const { changeVisibility } = await sqsClientModule.load();
            await changeVisibility(options.queueUrl(), record.receiptHandle, delay);
          } catch (error) {
            // The queue's own visibility timeout still brings the record back; only the timing is lost.
            logger.warn('could not reschedule failed record', { messageId: record.messageId, error: (error as Error).message });
          }
          return result;
        }),
      ) as unknown as SQSBatchResponse;
    });
}

/**
 * Puts a record on the dead-letter queue, with its attributes and the error's
 * name; false when that failed (the record then stays failed, and the queue's
 * redrive policy parks it later).
 */
async function park(record: SQSRecord, reason: unknown, options: RecordHandlerOptions, logger: Logger): Promise<boolean> {
  try {
    await parkRecord(record, reason instanceof Error ? reason.name : 'Error', options.deadLetterQueueUrl());
  } catch (error) {
    logger.warn('could not park record on the dead-letter queue', { messageId: record.messageId, error: (error as Error).message });
    return false;
  }
  logger.error('record parked on the dead-letter queue', {
    messageId: record.messageId,
    receiveCount: record.attributes.ApproximateReceiveCount,
    error: describeError(reason),
  });
  return true;
}

/** Sends a copy of a record (body and attributes, plus why) to a dead-letter queue. */
export async function parkRecord(record: SQSRecord, why: string, deadLetterQueueUrl: string): Promise<void> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
    if (value.stringValue !== undefined) attributes[name] = { DataType: value.dataType, StringValue: value.stringValue };
  }
  attributes['tidings-parked-because'] = { DataType: 'String', StringValue: why };
  const { sendMessage } = await sqsClientModule.load();
  await sendMessage(deadLetterQueueUrl, record.body, attributes);
}

function describeError(reason: unknown) {
  return reason instanceof Error ? { name: reason.name, message: reason.message } : String(reason);
}

/**
 * Whether the record may have been handled before: received before, or
 * brought back from a dead-letter queue by a replay (a new message, whose
 * receive count starts again).
 */
export function redelivered(record: SQSRecord): boolean {
  const attributes = record.messageAttributes ?? {};
  return receiveCount(record) > 1 || REPLAYED_ATTRIBUTE in attributes || 'tidings-parked-because' in attributes;
}

/** Which attempt this is, as SQS counts receives. */
export function receiveCount(record: SQSRecord): number {
  const count = Number(record.attributes.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}

/**
 * A consumer's dead-letter settings, from the variables serverless.yml gives
 * it: `<QUEUE>_DLQ_URL` and `<QUEUE>_MAX_RECEIVE_COUNT` (the queue's redrive
 * `maxReceiveCount`). Named per queue so that the local stack, which runs
 * every function in one process, cannot mix them up.
 */
export function deadLetterOptions(queue: QueueName): Pick<RecordHandlerOptions, 'deadLetterQueueUrl' | 'maxReceiveCount'> {
  const prefix = queue.toUpperCase();
  return { deadLetterQueueUrl: () => requireEnv(`${prefix}_DLQ_URL`), maxReceiveCount: integerEnv(`${prefix}_MAX_RECEIVE_COUNT`, 5) };
}
