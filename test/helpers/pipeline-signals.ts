import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LocalStack } from '../../infra/local/stack.js';
import { fingerprint } from '../../lib/alert/fingerprint.js';
import { eventually, type adminClient } from './local-stack.js';

/**
 * Positive signals that the pipeline has finished with something, so a test can
 * then assert what did not happen without sleeping a fixed time and hoping.
 */

/** The fingerprint ingest gives an alert with these labels from this cluster (ingest stamps the `cluster` label). */
export function ingestedFingerprint(labels: Record<string, string>, clusterName: string): string {
  return fingerprint({ ...labels, cluster: clusterName });
}

type AdminClient = ReturnType<typeof adminClient>;
type PathEntry = { stage: string; at: string; receiver?: string; status?: string; receivers?: Array<{ receiver: string; outcome: string }> };

/** The receivers a routing step sent the alert on to; the others were stopped at routing (filter, silence, inhibition, disabled). */
const routedOnward = (entry: PathEntry) => (entry.receivers ?? []).filter((r) => r.outcome === 'delivered').map((r) => r.receiver);

/**
 * Waits until the alert's path (GET .../alerts/{fingerprint}/history) says the
 * pipeline is done with it: it was routed, and every receiver its last routing
 * sent it on to has a final step after that routing (notified sent or failed,
 * or muted at flush). Returns the path, newest first. A notification that has
 * not been sent yet cannot be missed: the receiver it is for is waited for.
 */
export async function settledPath(admin: AdminClient, accountId: string, alertFingerprint: string, timeoutMs = 30_000): Promise<PathEntry[]> {
  return eventually(
    async () => {
      const response = await admin.call('GET', `/v1/accounts/${accountId}/alerts/${alertFingerprint}/history?limit=100`);
      if (response.status !== 200) return undefined;
      const items = response.body.items as PathEntry[];
      const routed = items.find((entry) => entry.stage === 'routed');
      if (routed === undefined) return undefined;
      const done = (receiver: string) =>
        items.some(
          (entry) =>
            entry.receiver === receiver &&
            entry.at >= routed.at &&
            ((entry.stage === 'notified' && entry.status !== 'retrying') || entry.stage === 'silenced' || entry.stage === 'inhibited'),
        );
      return routedOnward(routed).every(done) ? items : undefined;
    },
    timeoutMs,
    `the path of alert ${alertFingerprint} in ${accountId} to settle`,
  );
}

/** The queues a stack's functions consume, in pipeline order (work only ever moves downstream or stays in its queue). */
const PIPELINE_QUEUES = ['SignalsQueue', 'AlertsQueue', 'GroupsQueue', 'DeliveryQueue'];

export interface QueueCounts {
  visible: number;
  inFlight: number;
  delayed: number;
}

export async function queueCounts(sqs: SQSClient, queueUrl: string): Promise<QueueCounts> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/**
 * Waits until no queue of the stack holds a message that is visible or being
 * worked on: every function has finished the work that is due. A handler sends
 * what it produces before its own message is deleted, so work in progress is
 * always counted somewhere; the queues are read upstream first, twice in a row.
 * Messages delayed into the future (group timers, retry backoffs) are allowed
 * unless `delayed` names queues that must have none left either: then nothing
 * more can ever come out of them.
 */
export async function pipelineIdle(stack: LocalStack, options: { delayed?: string[]; timeoutMs?: number } = {}): Promise<void> {
  const sqs = new SQSClient({ endpoint: stack.sqsEndpoint, region: 'us-east-1' });
  const idleOnce = async () => {
    for (const id of PIPELINE_QUEUES) {
      const counts = await queueCounts(sqs, stack.resources.get(id)!.ref);
      if (counts.visible + counts.inFlight > 0) return false;
      if (options.delayed?.includes(id) && counts.delayed > 0) return false;
    }
    return true;
  };
  try {
    await eventually(async () => ((await idleOnce()) && (await idleOnce()) ? true : undefined), options.timeoutMs ?? 30_000, 'the pipeline to be idle');
  } finally {
    sqs.destroy();
  }
}
