import { DynamoReceiverStore } from '../../lib/aws/dynamo-receiver-store.js';
import { alertBatchMessageSchema, parseMessage, type RoutedAlertsMessage } from '../../lib/pipeline/messages.js';
import { chunkBySize } from '../../lib/pipeline/queue.js';
import type { Receiver } from '../../lib/receivers/receiver.js';
import { routeAlerts } from '../../lib/route/route-alerts.js';
import { dynamoDocumentClient, queuePublisher } from '../shared/aws-clients.js';
import { requireEnv } from '../shared/environment.js';
import { createLogger } from '../shared/logger.js';
import { sqsRecordHandler } from '../shared/sqs-batch.js';

const logger = createLogger('route');
/** Receivers change rarely; a short cache saves a query per message without making changes slow to apply. */
const RECEIVER_CACHE_MS = 10_000;

let dependencies: ReturnType<typeof createDependencies> | undefined;
function createDependencies() {
  return {
    receivers: new DynamoReceiverStore(dynamoDocumentClient(), requireEnv('CONFIG_TABLE')),
    queue: queuePublisher('groups'),
    cache: new Map<string, { receivers: Promise<Receiver[]>; loadedAt: number }>(),
  };
}

function globalReceivers(accountId: string): Promise<Receiver[]> {
  const { receivers, cache } = dependencies!;
  const cached = cache.get(accountId);
  if (cached !== undefined && Date.now() - cached.loadedAt < RECEIVER_CACHE_MS) return cached.receivers;
  const loading = receivers.listGlobal(accountId);
  cache.set(accountId, { receivers: loading, loadedAt: Date.now() });
  loading.catch(() => cache.delete(accountId));
  return loading;
}

/** alerts queue -> groups queue: decides which receivers get each alert. */
export const handler = sqsRecordHandler(
  logger,
  { queueUrl: () => requireEnv('ALERTS_QUEUE_URL'), backoff: { baseSeconds: 2, maxSeconds: 120 } },
  (records) => {
  dependencies ??= createDependencies();
  const { queue } = dependencies;
  return records.map(async (record) => {
    const batch = parseMessage(alertBatchMessageSchema, record.body);
    const routed = routeAlerts(batch.alerts, await globalReceivers(batch.accountId));
    const bodies = routed.flatMap((message) =>
      chunkBySize(message.alerts, (alerts) => JSON.stringify({ ...message, alerts } satisfies RoutedAlertsMessage)),
    );
    await queue.send('groups', bodies);
    if (routed.length === 0) logger.info('no receiver for alerts', { accountId: batch.accountId, alerts: batch.alerts.length });
  });
  },
);
