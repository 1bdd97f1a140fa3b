import Handlebars from 'handlebars';
import { handlebars } from '../../lib/templates/handlebars-module.js';
import { AddressPolicy } from '../../lib/net/address-policy.js';
import { createOutboundHttp } from '../../lib/net/outbound-http.js';
import { DynamoHistoryStore } from '../../lib/aws/dynamo-history-store.js';
import { DynamoDeliveryClaims } from '../../lib/aws/dynamo-delivery-claims.js';
import { deliveryStores } from '../../lib/aws/dynamo-config.js';
import { prepareDelivery, type DeliveryConfigSource } from '../../lib/notify/delivery-resources.js';
import { ttlCache } from '../../lib/pipeline/ttl-cache.js';
import type { Receiver } from '../../lib/receivers/receiver.js';
import { secretSealer } from '../shared/secrets.js';
import { channelRegistry } from '../../lib/notify/channel-registry.js';
import { deliverQueuedNotification, RetryableDeliveryError } from '../../lib/notify/deliver-notification.js';
import { DynamoSpillStore } from '../../lib/aws/dynamo-spill-store.js';
import { dynamoDocumentClient } from '../shared/aws-clients.js';
import { lazyQueuePublisher } from '../shared/lazy-sqs.js';
import { DynamoRateLimiter } from '../../lib/aws/dynamo-rate-limiter.js';
import { awsChannelServices } from '../../lib/aws/aws-channel-services.js';
import { integerEnv, listEnv, requireEnv } from '../shared/environment.js';
import { createLogger } from '../shared/logger.js';
import { deadLetterOptions, parkRecord, receiveCount, sqsRecordHandler } from '../shared/sqs-batch.js';

const logger = createLogger('deliver');

// Every notification is rendered: Handlebars is part of this function's cold start, not loaded on first need.
handlebars.provide(Handlebars);

let dependencies: ReturnType<typeof createDependencies> | undefined;
function createDependencies() {
  const documents = dynamoDocumentClient();
  const stores = deliveryStores(documents, requireEnv('CONFIG_TABLE'));
  const cached = ttlCache(integerEnv('ROUTING_CACHE_MS', 10_000));
  const source: DeliveryConfigSource = {
    configs: (accountId) => cached(`configs\0${accountId}`, () => stores.configs.all(accountId)),
    templateSets: (accountId) => cached(`sets\0${accountId}`, () => stores.templateSets.all(accountId)),
    languagePacks: (accountId) => cached(`packs\0${accountId}`, () => stores.languagePacks.all(accountId)),
  };
  const externalURL = requireEnv('PUBLIC_URL');
  const policy = new AddressPolicy(listEnv('OUTBOUND_ALLOW_CIDRS'));
  const history = new DynamoHistoryStore(documents, requireEnv('HISTORY_TABLE'), integerEnv('HISTORY_RETENTION_DAYS', 30) * 86_400);
  return {
    receivers: stores.receivers,
    prepare: (receiver: Receiver) => prepareDelivery(receiver, source, secretSealer(), externalURL),
    history,
    claims: new DynamoDeliveryClaims(documents, requireEnv('STATE_TABLE'), history),
    // Longer than the function's 60 s timeout: a live send is never taken over.
    claimLeaseMs: 90_000,
    channels: channelRegistry,
    context: {
      http: createOutboundHttp({ policy, userAgent: 'tidings/0.1' }),
      addressPolicy: policy,
      now: () => new Date(),
      externalURL,
      aws: awsChannelServices,
    },
    limiter: new DynamoRateLimiter(documents, requireEnv('STATE_TABLE'), 60),
    retentionDays: async (accountId: string) => (await cached(`settings\0${accountId}`, () => stores.settings.get(accountId, 'ACCOUNT')))?.historyRetentionDays,
    // Only deferred notifications are queued again: SQS loads when first needed.
    queue: lazyQueuePublisher(['delivery']),
    spill: new DynamoSpillStore(documents, requireEnv('STATE_TABLE')),
  };
}

const deadLetter = deadLetterOptions('delivery');

/** delivery queue -> providers: sends each notification and records it in history. */
export const handler = sqsRecordHandler(
  logger,
  {
    queueUrl: () => requireEnv('DELIVERY_QUEUE_URL'),
    ...deadLetter,
    backoff: { baseSeconds: integerEnv('DELIVERY_RETRY_BASE_SECONDS', 5), maxSeconds: 900 },
    retryAfterMs: (error) => (error instanceof RetryableDeliveryError ? error.retryAfterMs : undefined),
  },
  (records) => {
    dependencies ??= createDependencies();
    const deps = dependencies;
    return records.map(async (record) => {
      const park = () => parkRecord(record, 'DeliveryGaveUp', deadLetter.deadLetterQueueUrl());
      const attempt = { number: receiveCount(record), max: deadLetter.maxReceiveCount, park };
      const { notification, outcome } = await deliverQueuedNotification(record.body, attempt, deps);
      if (outcome === 'duplicate') {
        logger.info('duplicate notification not sent again', { notificationId: notification.id });
      } else if ('deferredSeconds' in outcome) {
        logger.info('notification deferred by the provider rate limit', { notificationId: notification.id, seconds: outcome.deferredSeconds });
      } else {
        logger.info('notification delivered', {
          notificationId: outcome.notificationId,
          channel: outcome.channel,
          status: outcome.status,
          httpStatus: outcome.httpStatus,
          latencyMs: outcome.latencyMs,
        });
      }
    });
  },
);
