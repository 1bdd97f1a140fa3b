import { configStores } from '../../lib/aws/dynamo-config.js';
import { storeRoutingSource } from '../../lib/configs/config-stores.js';
import { alertBatchMessageSchema, parseMessage } from '../../lib/pipeline/messages.js';
import { routeBatch } from '../../lib/route/route-batch.js';
import { DynamoAlertPathStore } from '../../lib/aws/dynamo-alert-path-store.js';
import { DynamoFiringAlerts } from '../../lib/aws/dynamo-firing-alerts.js';
import { DynamoRouteRecords } from '../../lib/aws/dynamo-route-records.js';
import { RecordedRoutings } from '../../lib/history/alert-path.js';
import { cachedRoutingSource } from '../../lib/route/routing-source.js';
import { dynamoDocumentClient } from '../shared/aws-clients.js';
import { queuePublisher } from '../shared/sqs-client.js';
import { integerEnv, requireEnv } from '../shared/environment.js';
import { createLogger } from '../shared/logger.js';
import { deadLetterOptions, sqsRecordHandler } from '../shared/sqs-batch.js';

const logger = createLogger('route');

let dependencies: ReturnType<typeof createDependencies> | undefined;
function createDependencies() {
  const stores = configStores(dynamoDocumentClient(), { config: requireEnv('CONFIG_TABLE'), state: requireEnv('STATE_TABLE') });
  return {
    // Configuration changes rarely; a short cache saves reads per message and applies changes within seconds.
    source: cachedRoutingSource(storeRoutingSource(stores), integerEnv('ROUTING_CACHE_MS', 10_000)),
    queue: queuePublisher(['groups']),
    records: new DynamoRouteRecords(
      dynamoDocumentClient(),
      new DynamoFiringAlerts(dynamoDocumentClient(), requireEnv('STATE_TABLE')),
      new DynamoAlertPathStore(dynamoDocumentClient(), requireEnv('HISTORY_TABLE'), integerEnv('HISTORY_RETENTION_DAYS', 30) * 86_400),
    ),
    recorded: new RecordedRoutings(),
    now: () => new Date(),
  };
}

/** alerts queue -> groups queue: decides which receivers get each alert, and why (see routeBatch). */
export const handler = sqsRecordHandler(
  logger,
  { queueUrl: () => requireEnv('ALERTS_QUEUE_URL'), ...deadLetterOptions('alerts'), backoff: { baseSeconds: 2, maxSeconds: 120 } },
  (records) => {
    dependencies ??= createDependencies();
    const deps = dependencies;
    return records.map(async (record) => {
      const batch = parseMessage(alertBatchMessageSchema, record.body);
      const unrouted = await routeBatch(batch, deps);
      if (unrouted.length > 0) {
        logger.info('alerts reached no receiver', {
          accountId: batch.accountId,
          alerts: unrouted.map((d) => ({ fingerprint: d.fingerprint, receivers: d.receivers.map((r) => `${r.receiver}:${r.outcome}`) })),
        });
      }
    });
  },
);
