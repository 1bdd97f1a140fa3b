import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { leanDocumentClient } from '../../lib/aws/lean-document-client.js';

/**
 * Sockets for every SDK client. Connections are kept alive and reused; a
 * connection that cannot be made within 5 s fails (the SDK retries it) rather
 * than waiting on the OS's timeout, so a caller learns of a dead dependency
 * in time to answer 503. (2 s made a loaded machine park healthy work: the
 * timer also runs while the event loop and the stand-ins are starved.) 50
 * sockets per client is the SDK's own default, kept explicit.
 */
export const REQUEST_HANDLER = {
  connectionTimeout: 5000,
  httpAgent: { keepAlive: true, maxSockets: 50 },
  httpsAgent: { keepAlive: true, maxSockets: 50 },
};

let documentClient: DynamoDBDocumentClient | undefined;

/**
 * One client per container, created on first use and reused across
 * invocations. Endpoints come from the SDK's own AWS_ENDPOINT_URL_* variables,
 * which is how the local stack points the same code at its stand-ins.
 */
export function dynamoDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= leanDocumentClient({ requestHandler: REQUEST_HANDLER }, { marshallOptions: DOCUMENT_MARSHALL_OPTIONS });
  return documentClient;
}

/**
 * `convertClassInstanceToMap`: the marshaller tells a plain object from a class
 * instance by its `constructor` property, so a user's map with a key named
 * `constructor` (a label, a header) is taken for an instance and refused
 * unless this is set. Reading back needs nothing: unmarshall makes own properties.
 */
export const DOCUMENT_MARSHALL_OPTIONS = { removeUndefinedValues: true, convertClassInstanceToMap: true } as const;
