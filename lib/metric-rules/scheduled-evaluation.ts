import type { ClusterStore } from '../clusters/cluster.js';
import { parsePostableAlerts } from '../ingest/alertmanager-api.js';
import { enqueueAlerts } from '../ingest/ingest-alerts.js';
import type { OutboundHttp } from '../net/outbound-http.js';
import type { QueuePublisher } from '../pipeline/queue.js';
import { parseDuration } from '../receivers/duration.js';
import { evaluateCluster, type ClusterEvaluationReport, type RuleStateStore } from './evaluate-cluster.js';
import { queryEndpointOf, type MetricsEndpointStore, type RequestSignerFor } from './metrics-endpoint.js';
import { instantQuery } from './prometheus-query.js';
import type { RulesFileSources } from './rules-file.js';

export interface ScheduledEvaluationDependencies {
  endpoints: Pick<MetricsEndpointStore, 'list'>;
  clusters: Pick<ClusterStore, 'get'>;
  sources: RulesFileSources;
  state: RuleStateStore;
  /** Outbound HTTP under the address policy: endpoints are operator-supplied URLs. */
  http: OutboundHttp;
  openSecret: (sealed: string) => Promise<string>;
  /** SigV4 signing for Amazon Managed Prometheus endpoints. */
  signerFor: RequestSignerFor;
  queue: QueuePublisher;
  /** tidings' public URL, for the alerts' generatorURL. */
  externalURL: string;
  now: () => Date;
  /** Clusters evaluated at once. */
  concurrency?: number;
}

/**
 * One run of the scheduled evaluation: every cluster with a metrics
 * endpoint has its rule groups evaluated against it, and the alerts are
 * queued into the pipeline as the cluster's own Prometheus would have posted
 * them to its ingest URL (the `cluster` label from the cluster, not the
 * series). A cluster whose evaluation fails does not stop the others.
 */
export async function runScheduledEvaluation(deps: ScheduledEvaluationDependencies): Promise<Array<{ clusterId: string; report?: ClusterEvaluationReport; error?: string }>> {
  const endpoints = await deps.endpoints.list();
  const results: Array<{ clusterId: string; report?: ClusterEvaluationReport; error?: string }> = [];
  const queue = [...endpoints];
  const worker = async () => {
    for (let endpoint = queue.shift(); endpoint !== undefined; endpoint = queue.shift()) {
      try {
        const cluster = await deps.clusters.get(endpoint.clusterId);
        if (cluster === undefined || cluster.accountId !== endpoint.accountId) continue;
        const target = await queryEndpointOf(endpoint, deps.openSecret, deps.signerFor);
        const report = await evaluateCluster(cluster, {
          sources: deps.sources,
          query: (expr, at) => instantQuery(deps.http, target, expr, at),
          state: deps.state,
          publish: async (alerts) => {
            const now = deps.now();
            const parsed = parsePostableAlerts(alerts, { clusterName: cluster.name }, { now });
            await enqueueAlerts(cluster, parsed.alerts, deps.queue, now);
          },
          now: deps.now,
          settings: { externalLabels: endpoint.externalLabels, externalURL: deps.externalURL, resendDelayMs: parseDuration(endpoint.resendDelay) },
          defaultIntervalMs: parseDuration(endpoint.evaluationInterval),
        });
        results.push({ clusterId: endpoint.clusterId, report });
      } catch (error) {
        results.push({ clusterId: endpoint.clusterId, error: error instanceof Error ? error.message : String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.concurrency ?? 4) }, worker));
  return results;
}
