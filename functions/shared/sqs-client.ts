import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import { SqsQueuePublisher } from '../../lib/aws/sqs-queue-publisher.js';
import type { QueueName } from '../../lib/pipeline/queue.js';
import { REQUEST_HANDLER } from './aws-clients.js';
import { queueUrls } from './environment.js';

let sqsClient: SQSClient | undefined;

/**
 * One SQS client per container, created on first use (endpoint from
 * AWS_ENDPOINT_URL_SQS, as for every SDK client). `cacheMiddleware`: the
 * middleware stack is resolved once per command type instead of at every
 * request (nothing here sends with per-request options, which would clear it).
 */
export function sqs(): SQSClient {
  sqsClient ??= new SQSClient({ requestHandler: REQUEST_HANDLER, cacheMiddleware: true });
  return sqsClient;
}

/**
 * A publisher for the queues this function is allowed to send to (those whose URL it was given);
 * `lingerMs`: how long a send waits for others to share its batch request.
 */
export function queuePublisher(queues: QueueName[], options: { lingerMs?: number } = {}): SqsQueuePublisher {
  return publisherFor(queueUrls(queues), options);
}

/** A publisher for queues whose URLs were read already. */
export function publisherFor(urls: Record<QueueName, string>, options: { lingerMs?: number } = {}): SqsQueuePublisher {
  return new SqsQueuePublisher(sqs(), urls, options.lingerMs);
}

/** Brings a received message back after `seconds`. */
export async function changeVisibility(queueUrl: string, receiptHandle: string, seconds: number): Promise<void> {
  await sqs().send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
}

/** Sends one message with string attributes. */
export async function sendMessage(queueUrl: string, body: string, attributes: Record<string, MessageAttributeValue>): Promise<void> {
  await sqs().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, MessageAttributes: attributes }));
}
