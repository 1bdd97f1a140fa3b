import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SqsQueuePublisher } from '../../lib/aws/sqs-queue-publisher.js';
import type { QueueName } from '../../lib/pipeline/queue.js';
import { requireEnv } from './environment.js';

let documentClient: DynamoDBDocumentClient | undefined;
let sqsClient: SQSClient | undefined;

/**
 * One client per container, created on first use and reused across
 * invocations. Endpoints come from the SDK's own AWS_ENDPOINT_URL_* variables,
 * which is how the local stack points the same code at its stand-ins.
 */
export function dynamoDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: DOCUMENT_MARSHALL_OPTIONS });
  return documentClient;
}

/**
 * `convertClassInstanceToMap`: the marshaller tells a plain object from a class
 * instance by its `constructor` property, so a user's map with a key named
 * `constructor` (a label, a header) is taken for an instance and refused
 * unless this is set. Reading back needs nothing: unmarshall makes own properties.
 */
export const DOCUMENT_MARSHALL_OPTIONS = { removeUndefinedValues: true, convertClassInstanceToMap: true } as const;

export function sqs(): SQSClient {
  sqsClient ??= new SQSClient({});
  return sqsClient;
}

const QUEUE_ENV: Record<QueueName, string> = {
  signals: 'SIGNALS_QUEUE_URL',
  alerts: 'ALERTS_QUEUE_URL',
  groups: 'GROUPS_QUEUE_URL',
  delivery: 'DELIVERY_QUEUE_URL',
};

/** A publisher for the queues this function is allowed to send to (those whose URL it was given). */
export function queuePublisher(...queues: QueueName[]): SqsQueuePublisher {
  const urls = Object.fromEntries(queues.map((queue) => [queue, requireEnv(QUEUE_ENV[queue])])) as Record<QueueName, string>;
  return new SqsQueuePublisher(sqs(), urls);
}
