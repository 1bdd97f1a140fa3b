import { batchNotifications, type ReceivedRouted } from '../../lib/notify/batch-notifications.js';
import { parseMessage, routedAlertsMessageSchema } from '../../lib/pipeline/messages.js';
import { queuePublisher } from '../shared/aws-clients.js';
import { requireEnv } from '../shared/environment.js';
import { createLogger } from '../shared/logger.js';
import { sqsRecordHandler } from '../shared/sqs-batch.js';

const logger = createLogger('aggregate');

let dependencies: ReturnType<typeof createDependencies> | undefined;
function createDependencies() {
  return { queue: queuePublisher('delivery') };
}

/**
 * groups queue -> delivery queue: merges one batch's routed alerts into one
 * notification per receiver. A record fails only if its own body is invalid
 * or the notification it belongs to could not be queued.
 */
export const handler = sqsRecordHandler(
  logger,
  { queueUrl: () => requireEnv('GROUPS_QUEUE_URL'), backoff: { baseSeconds: 2, maxSeconds: 120 } },
  (records) => {
  dependencies ??= createDependencies();
  const { queue } = dependencies;
  const parsed = records.map((record) => {
    try {
      return { messageId: record.messageId, message: parseMessage(routedAlertsMessageSchema, record.body) } as ReceivedRouted;
    } catch (error) {
      return error as Error;
    }
  });
  const valid = parsed.filter((entry): entry is ReceivedRouted => !(entry instanceof Error));
  const sent = new Map<string, Promise<void>>();
  for (const { notification, messageIds } of batchNotifications(valid, new Date())) {
    const sending = queue.send('delivery', [JSON.stringify(notification)]);
    for (const id of messageIds) sent.set(id, sending);
  }
  return parsed.map((entry) => (entry instanceof Error ? Promise.reject(entry) : sent.get(entry.messageId)!));
  },
);
