import { aggregateBatch } from '../../lib/aggregate/aggregate-batch.js';
import { DynamoGroupStore } from '../../lib/aws/dynamo-group-store.js';
import { DynamoSpillStore } from '../../lib/aws/dynamo-spill-store.js';
import { dynamoDocumentClient } from '../shared/aws-clients.js';
import { queuePublisher } from '../shared/sqs-client.js';
import { integerEnv, requireEnv } from '../shared/environment.js';
import { DynamoAlertPathStore } from '../../lib/aws/dynamo-alert-path-store.js';
import { configStores } from '../../lib/aws/dynamo-config.js';
import { storeRoutingSource } from '../../lib/configs/config-stores.js';
import { createLogger } from '../shared/logger.js';
import { deadLetterOptions, redelivered, sqsRecordHandler } from '../shared/sqs-batch.js';

const logger = createLogger('aggregate');

let dependencies: ReturnType<typeof createDependencies> | undefined;
function createDependencies() {
  const documents = dynamoDocumentClient();
  const stores = configStores(documents, { config: requireEnv('CONFIG_TABLE'), state: requireEnv('STATE_TABLE') });
  return {
    groups: new DynamoGroupStore(documents, requireEnv('STATE_TABLE')),
    spill: new DynamoSpillStore(documents, requireEnv('STATE_TABLE')),
    // An aggregation batch flushes many groups at once: their timers and notifications share requests.
    queue: queuePublisher(['groups', 'delivery'], { lingerMs: 20 }),
    now: () => Date.now(),
    // Read at every batch, not cached: a silence written through the API applies from the next flush.
    muteSource: storeRoutingSource(stores),
    trail: new DynamoAlertPathStore(documents, requireEnv('HISTORY_TABLE'), integerEnv('HISTORY_RETENTION_DAYS', 30) * 86_400),
  };
}

/** groups queue -> group state, timers and the delivery queue (see aggregateBatch). */
export const handler = sqsRecordHandler(
  logger,
  { queueUrl: () => requireEnv('GROUPS_QUEUE_URL'), ...deadLetterOptions('groups'), backoff: { baseSeconds: 2, maxSeconds: 120 } },
  (records) => {
    dependencies ??= createDependencies();
    return aggregateBatch(
      records.map((record) => ({ body: record.body, redelivered: redelivered(record) })),
      dependencies,
    );
  },
);
