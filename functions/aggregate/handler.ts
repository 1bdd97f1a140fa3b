import { collectGroups, fireTimer, ingestGroup, type AggregationDependencies, type RoutedRecord } from '../../lib/aggregate/run-aggregation.js';
import { DynamoGroupStore } from '../../lib/aws/dynamo-group-store.js';
import { DynamoSpillStore } from '../../lib/aws/dynamo-spill-store.js';
import { groupsQueueMessageSchema, parseMessage, type GroupsQueueMessage } from '../../lib/pipeline/messages.js';
import { dynamoDocumentClient } from '../shared/aws-clients.js';
import { queuePublisher } from '../shared/sqs-client.js';
import { integerEnv, requireEnv } from '../shared/environment.js';
import { batchMuters } from '../../lib/aggregate/mute-state.js';
import { DynamoAlertPathStore } from '../../lib/aws/dynamo-alert-path-store.js';
import { configStores } from '../../lib/aws/dynamo-config.js';
import { storeRoutingSource } from '../../lib/configs/config-stores.js';
import { withLazyModules } from '../../lib/pipeline/lazy-module.js';
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

/**
 * groups queue -> group state, timers and the delivery queue. At each flush
 * inhibition and silences are decided with the state stored at that moment. Routed alerts of
 * the whole batch are merged per group (one read and one write per group),
 * timers flush groups. A record fails only with the groups it contributed to.
 */
export const handler = sqsRecordHandler(
  logger,
  { queueUrl: () => requireEnv('GROUPS_QUEUE_URL'), ...deadLetterOptions('groups'), backoff: { baseSeconds: 2, maxSeconds: 120 } },
  (records) => {
    dependencies ??= createDependencies();
    const muterFor = batchMuters(dependencies.muteSource);
    // Building a muter reads the mute state and compiles it, nothing more: it may run again once RE2 or croner is loaded.
    const deps: AggregationDependencies = { ...dependencies, muterFor: (receiver) => withLazyModules(() => muterFor(receiver)) };
    const parsed: Array<GroupsQueueMessage | Error> = records.map((record) => {
      try {
        return parseMessage(groupsQueueMessageSchema, record.body);
      } catch (error) {
        return error as Error;
      }
    });
    const routed: RoutedRecord[] = [];
    parsed.forEach((message, index) => {
      if (!(message instanceof Error) && message.type === 'routed-alerts') {
        routed.push({ index, message, redelivered: redelivered(records[index]!) });
      }
    });
    const outcomes = new Map<number, Array<Promise<void>>>();
    for (const pending of collectGroups(routed, new Date().toISOString())) {
      const done = ingestGroup(pending, deps);
      for (const index of pending.sources) outcomes.set(index, [...(outcomes.get(index) ?? []), done]);
    }
    return parsed.map(async (message, index) => {
      if (message instanceof Error) throw message;
      if (message.type === 'group-timer') return fireTimer(message, deps, redelivered(records[index]!));
      await Promise.all(outcomes.get(index) ?? []);
    });
  },
);
