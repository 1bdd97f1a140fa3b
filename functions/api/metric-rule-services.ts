import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MetricRuleServices } from '../../lib/api/rule-groups-api.js';
import { DynamoMetricsEndpointStore } from '../../lib/aws/dynamo-metrics-endpoint-store.js';
import { DynamoRateLimiter, perOwner } from '../../lib/aws/dynamo-rate-limiter.js';
import { DynamoRuleStateStore } from '../../lib/aws/dynamo-rule-state-store.js';
import { sigV4SignerFor } from '../../lib/aws/sigv4-signer.js';
import { integerEnv, requireEnv } from '../shared/environment.js';

/** The metric rule routes' stores and services, built when the first of them runs. */
export function metricRuleServices(documents: DynamoDBDocumentClient): MetricRuleServices {
  const state = requireEnv('STATE_TABLE');
  return {
    metricsEndpoints: new DynamoMetricsEndpointStore(documents, requireEnv('CONFIG_TABLE')),
    ruleStates: new DynamoRuleStateStore(documents, state),
    dryRunLimiter: perOwner(new DynamoRateLimiter(documents, state, integerEnv('DRY_RUN_RATE_LIMIT_PER_MINUTE', 30)), 'DRYRUN'),
    signerFor: sigV4SignerFor(),
  };
}
