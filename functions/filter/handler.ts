import Handlebars from 'handlebars';
import { handlebars } from '../../lib/templates/handlebars-module.js';
import { configStores, ruleStores } from '../../lib/aws/dynamo-config.js';
import { filterSignals, RuleSetCache, type RuleConfigSource } from '../../lib/filter/filter-signals.js';
import { signalBatchMessageSchema } from '../../lib/ingest/signal-messages.js';
import { parseMessage } from '../../lib/pipeline/messages.js';
import { ttlCache } from '../../lib/pipeline/ttl-cache.js';
import { dynamoDocumentClient } from '../shared/aws-clients.js';
import { queuePublisher } from '../shared/sqs-client.js';
import { integerEnv, requireEnv } from '../shared/environment.js';
import { createLogger } from '../shared/logger.js';
import { deadLetterOptions, sqsRecordHandler } from '../shared/sqs-batch.js';

const logger = createLogger('filter');

// The shipped rules' labels and annotations are templates: Handlebars is part of this function's cold start, not loaded on first need.
handlebars.provide(Handlebars);

let dependencies: ReturnType<typeof createDependencies> | undefined;
function createDependencies() {
  const documents = dynamoDocumentClient();
  const configTable = requireEnv('CONFIG_TABLE');
  const stores = configStores(documents, { config: configTable, state: requireEnv('STATE_TABLE') });
  const { rules, definitions } = ruleStores(documents, configTable);
  const cached = ttlCache(integerEnv('ROUTING_CACHE_MS', 10_000));
  const source: RuleConfigSource = {
    rules: (accountId) => cached(`rules\0${accountId}`, () => rules.all(accountId)),
    definitions: (accountId) => cached(`defs\0${accountId}`, () => definitions.all(accountId)),
    defaultRulesEnabled: async (accountId) =>
      (await cached(`settings\0${accountId}`, () => stores.settings.get(accountId, 'ACCOUNT')))?.defaultRules !== false,
    access: (accountId, cluster, namespace) =>
      cached(`access\0${accountId}\0${cluster}\0${namespace}`, () => stores.access.tenantsOf(accountId, cluster, namespace)),
  };
  return { source, cache: new RuleSetCache(), queue: queuePublisher(['alerts']), now: () => new Date() };
}

/** signals queue -> alerts queue: Kubernetes events and audit events through the account's rules. */
export const handler = sqsRecordHandler(
  logger,
  { queueUrl: () => requireEnv('SIGNALS_QUEUE_URL'), ...deadLetterOptions('signals'), backoff: { baseSeconds: 2, maxSeconds: 120 } },
  (records) => {
    dependencies ??= createDependencies();
    const deps = dependencies;
    return records.map(async (record) => {
      const batch = parseMessage(signalBatchMessageSchema, record.body);
      const alerts = await filterSignals(batch, deps);
      logger.debug('signals filtered', { accountId: batch.accountId, signals: batch.signals.length, alerts: alerts.length });
    });
  },
);
