import { configStores } from '../../lib/aws/dynamo-config.js';
import { storeRoutingSource } from '../../lib/configs/config-stores.js';
import { alertBatchMessageSchema, parseMessage, type RoutedAlertsMessage } from '../../lib/pipeline/messages.js';
import { chunkBySize } from '../../lib/pipeline/queue.js';
import { routeAlerts, tenantsSeeing } from '../../lib/route/route-alerts.js';
import { DynamoAlertPathStore } from '../../lib/aws/dynamo-alert-path-store.js';
import { RecordedRoutings, routedEntries } from '../../lib/history/alert-path.js';
import { cachedRoutingSource, loadRoutingSnapshot } from '../../lib/route/routing-source.js';
import { dynamoDocumentClient } from '../shared/aws-clients.js';
import { queuePublisher } from '../shared/sqs-client.js';
import { integerEnv, requireEnv } from '../shared/environment.js';
import { withLazyModules } from '../../lib/pipeline/lazy-module.js';
import { createLogger } from '../shared/logger.js';
import { deadLetterOptions, sqsRecordHandler } from '../shared/sqs-batch.js';

const logger = createLogger('route');

let dependencies: ReturnType<typeof createDependencies> | undefined;
function createDependencies() {
  const stores = configStores(dynamoDocumentClient(), { config: requireEnv('CONFIG_TABLE'), state: requireEnv('STATE_TABLE') });
  return {
    stores,
    // Configuration changes rarely; a short cache saves reads per message and applies changes within seconds.
    source: cachedRoutingSource(storeRoutingSource(stores), integerEnv('ROUTING_CACHE_MS', 10_000)),
    queue: queuePublisher(['groups']),
    paths: new DynamoAlertPathStore(dynamoDocumentClient(), requireEnv('HISTORY_TABLE'), integerEnv('HISTORY_RETENTION_DAYS', 30) * 86_400),
    recorded: new RecordedRoutings(),
  };
}

/** alerts queue -> groups queue: decides which receivers get each alert, and why (mutes are decided when groups flush). */
export const handler = sqsRecordHandler(
  logger,
  { queueUrl: () => requireEnv('ALERTS_QUEUE_URL'), ...deadLetterOptions('alerts'), backoff: { baseSeconds: 2, maxSeconds: 120 } },
  (records) => {
    dependencies ??= createDependencies();
    const { stores, source, queue, paths, recorded } = dependencies;
    return records.map(async (record) => {
      const batch = parseMessage(alertBatchMessageSchema, record.body);
      // Routing only reads and compiles (matchers, schedules) before anything is written, so it may run again once RE2 or croner is loaded.
      const { snapshot, messages, decisions } = await withLazyModules(async () => {
        const snapshot = await loadRoutingSnapshot(batch.accountId, batch.alerts, source);
        return { snapshot, ...routeAlerts(batch.alerts, snapshot, new Date()) };
      });
      const bodies = messages.flatMap((message) =>
        chunkBySize(message.alerts, (alerts) => JSON.stringify({ ...message, receivedAt: batch.receivedAt, alerts } satisfies RoutedAlertsMessage)),
      );
      const steps = recorded.changed(batch.accountId, routedEntries(batch.alerts, decisions, new Date().toISOString(), batch.receivedAt));
      await Promise.all([
        queue.send('groups', bodies),
        stores.firing.record(batch.accountId, batch.alerts, batch.receivedAt, (alert) => tenantsSeeing(alert, snapshot)),
        paths.record(batch.accountId, steps),
      ]);
      recorded.remember(batch.accountId, steps);
      const unrouted = decisions.filter((decision) => !decision.receivers.some((r) => r.outcome === 'delivered'));
      if (unrouted.length > 0) {
        logger.info('alerts reached no receiver', {
          accountId: batch.accountId,
          alerts: unrouted.map((d) => ({ fingerprint: d.fingerprint, receivers: d.receivers.map((r) => `${r.receiver}:${r.outcome}`) })),
        });
      }
    });
  },
);
