import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { DynamoAccessIndex } from '../../lib/aws/dynamo-access-index.js';
import { DynamoClusterStore } from '../../lib/aws/dynamo-cluster-store.js';
import { DynamoMetricsEndpointStore } from '../../lib/aws/dynamo-metrics-endpoint-store.js';
import { DynamoObjectStore } from '../../lib/aws/dynamo-object-store.js';
import { DynamoRuleStateStore } from '../../lib/aws/dynamo-rule-state-store.js';
import { sigV4SignerFor } from '../../lib/aws/sigv4-signer.js';
import { ruleGroupStore } from '../../lib/aws/rule-group-keys.js';
import type { StoredRuleGroup } from '../../lib/metric-rules/rule-group.js';
import { runScheduledEvaluation, type ScheduledEvaluationDependencies } from '../../lib/metric-rules/scheduled-evaluation.js';
import { AddressPolicy } from '../../lib/net/address-policy.js';
import { createOutboundHttp } from '../../lib/net/outbound-http.js';
import { dynamoDocumentClient } from '../shared/aws-clients.js';
import { queuePublisher } from '../shared/sqs-client.js';
import { listEnv, requireEnv } from '../shared/environment.js';
import { createLogger } from '../shared/logger.js';
import { secretSealer } from '../shared/secrets.js';

const logger = createLogger('evaluate');

let dependencies: ScheduledEvaluationDependencies | undefined;
function createDependencies(): ScheduledEvaluationDependencies {
  const documents = dynamoDocumentClient();
  const configTable = requireEnv('CONFIG_TABLE');
  const access = new DynamoAccessIndex(documents, configTable);
  return {
    endpoints: new DynamoMetricsEndpointStore(documents, configTable),
    clusters: new DynamoClusterStore(documents, configTable),
    sources: {
      ruleGroups: ruleGroupStore(new DynamoObjectStore<StoredRuleGroup>(documents, configTable, 'RULEGROUP')),
      tenantsOf: (accountId, cluster, namespace) => access.tenantsOf(accountId, cluster, namespace),
    },
    state: new DynamoRuleStateStore(documents, requireEnv('STATE_TABLE')),
    http: createOutboundHttp({ policy: new AddressPolicy(listEnv('OUTBOUND_ALLOW_CIDRS')), userAgent: 'tidings/0.1', maxResponseBytes: 16 * 1024 * 1024 }),
    openSecret: (sealed) => secretSealer().open(sealed),
    signerFor: sigV4SignerFor(),
    queue: queuePublisher(['alerts']),
    externalURL: requireEnv('PUBLIC_URL'),
    now: () => new Date(),
  };
}

/** Every minute: evaluates the metric rule groups of clusters that have a metrics endpoint (lib/metric-rules/scheduled-evaluation.ts). */
export const handler = middy<ScheduledEvent, void>().handler(async () => {
  dependencies ??= createDependencies();
  const results = await runScheduledEvaluation(dependencies);
  for (const result of results) {
    if (result.error !== undefined) logger.warn('cluster evaluation failed', { clusterId: result.clusterId, error: result.error });
    for (const error of result.report?.errors ?? []) logger.warn('rule evaluation failed', { clusterId: result.clusterId, ...error });
  }
  logger.info('evaluated', { clusters: results.length, sent: results.reduce((sum, r) => sum + (r.report?.sent ?? 0), 0) });
});
