import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MetricRuleServices } from '../../lib/api/rule-groups-api.js';
import { DynamoMetricsEndpointStore } from '../../lib/aws/dynamo-metrics-endpoint-store.js';
import { DynamoRateLimiter, perOwner } from '../../lib/aws/dynamo-rate-limiter.js';
import { DynamoRuleStateStore } from '../../lib/aws/dynamo-rule-state-store.js';
import { sigV4SignerFor } from '../../lib/aws/sigv4-signer.js';

/** The metric rule routes' stores and services, built when the first of them runs. */
export function metricRuleServices(documents: DynamoDBDocumentClient, tables: { config: string; state: string }, dryRunsPerMinute: number): MetricRuleServices {
  return {
    metricsEndpoints: new DynamoMetricsEndpointStore(documents, tables.config),
    ruleStates: new DynamoRuleStateStore(documents, tables.state),
    dryRunLimiter: perOwner(new DynamoRateLimiter(documents, tables.state, dryRunsPerMinute), 'DRYRUN'),
    signerFor: sigV4SignerFor(),
  };
}
