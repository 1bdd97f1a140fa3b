import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { InvalidMessageError } from '../../lib/pipeline/messages.js';
import { retryDelaySeconds, type BackoffPolicy } from '../../lib/pipeline/retry-delay.js';
import { sqs } from './aws-clients.js';

export interface RecordHandlerOptions {
  /** The URL of the queue this function consumes, to reschedule failed records. */
  queueUrl: () => string;
  backoff: BackoffPolicy;
  /** A retry hint the error carries (e.g. Retry-After), in milliseconds. */
  retryAfterMs?: (error: unknown) => number | undefined;
}

/**
 * Wraps a per-record processor as an SQS handler that reports partial batch
 * failures: records that fail are retried (and eventually dead-lettered) on
 * their own, while the rest of the batch is deleted. A failed record's
 * visibility is set to its backoff delay rather than left at the queue's
 * timeout; a message that can never be processed (invalid body) is made
 * visible again at once, so it reaches the dead-letter queue after
 * maxReceiveCount quick attempts instead of blocking for hours.
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
          logger.warn('record failed; it will be retried or dead-lettered', {
            messageId: record.messageId,
            receiveCount: record.attributes.ApproximateReceiveCount,
            error: reason instanceof Error ? { name: reason.name, message: reason.message } : String(reason),
          }),
      }),
    )
    .handler(async (event) => {
      const results = await Promise.allSettled(processBatch(event.Records));
      await Promise.all(
        results.map(async (result, index) => {
          if (result.status === 'fulfilled') return;
          const record = event.Records[index]!;
          const delay =
            result.reason instanceof InvalidMessageError
              ? 0
              : retryDelaySeconds(receiveCount(record), options.backoff, options.retryAfterMs?.(result.reason));
          try {
            await sqs().send(
              new ChangeMessageVisibilityCommand({
                QueueUrl: options.queueUrl(),
                ReceiptHandle: record.receiptHandle,
                VisibilityTimeout: delay,
              }),
            );
          } catch (error) {
            // The queue's own visibility timeout still brings the record back; only the timing is lost.
            logger.warn('could not reschedule failed record', { messageId: record.messageId, error: (error as Error).message });
          }
        }),
      );
      return results as unknown as SQSBatchResponse;
    });
}

/** Which attempt this is, as SQS counts receives. */
export function receiveCount(record: SQSRecord): number {
  const count = Number(record.attributes.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}
