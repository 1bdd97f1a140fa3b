import type { Alert } from '../alert/alert.js';
import type { Cluster } from '../clusters/cluster.js';
import type { AlertBatchMessage } from '../pipeline/messages.js';
import { chunkBySize, type QueuePublisher } from '../pipeline/queue.js';

/**
 * Puts the alerts of one authenticated request on the alerts queue, split
 * across as many messages as their size needs. Resolves only once every
 * message is durably queued, so a 2xx answer means nothing can be lost.
 */
export async function enqueueAlerts(
  cluster: Cluster,
  alerts: readonly Alert[],
  queue: QueuePublisher,
  now: Date,
): Promise<void> {
  if (alerts.length === 0) return;
  const envelope = (chunk: Alert[]): AlertBatchMessage => ({
    type: 'alert-batch',
    accountId: cluster.accountId,
    clusterId: cluster.id,
    receivedAt: now.toISOString(),
    alerts: chunk,
  });
  const bodies = chunkBySize(alerts, (chunk) => JSON.stringify(envelope(chunk)));
  await queue.send('alerts', bodies);
}
