import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * Wraps a per-record processor as an SQS handler that reports partial batch
 * failures: records that fail are retried (and eventually dead-lettered) on
 * their own, while the rest of the batch is deleted.
 */
export function sqsRecordHandler(
  logger: Logger,
  processBatch: (records: SQSRecord[]) => Array<Promise<unknown>>,
): middy.MiddyfiedHandler<SQSEvent, SQSBatchResponse> {
  return middy<SQSEvent, SQSBatchResponse>()
    .use(
      sqsPartialBatchFailure({
        logger: (reason: unknown, record: SQSRecord) =>
          logger.warn('record failed; it will be retried', {
            messageId: record.messageId,
            receiveCount: record.attributes.ApproximateReceiveCount,
            error: reason instanceof Error ? { name: reason.name, message: reason.message } : String(reason),
          }),
      }),
    )
    .handler(async (event) => (await Promise.allSettled(processBatch(event.Records))) as unknown as SQSBatchResponse);
}

/** Which attempt this is, as SQS counts receives. */
export function receiveCount(record: SQSRecord): number {
  const count = Number(record.attributes.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}
