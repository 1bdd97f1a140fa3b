import type { ReceivedRequest } from '../test/helpers/http-receiver.js';

/** One alert the bench posted, named by its `batch` and `instance` labels. */
export const alertKey = (labels: Record<string, string>) => `${labels.batch}/${labels.instance}`;

/** `count` alerts of one batch; receivers group by `batch`, so a batch is one group. */
export function batchOfAlerts(batch: string, count: number): Array<{ labels: Record<string, string> }> {
  return Array.from({ length: count }, (_, i) => ({ labels: { alertname: 'FaultBench', batch, instance: `i-${i}` } }));
}

/**
 * Counts what reached the receiver against what tidings acknowledged. An
 * acknowledged alert in no notification is lost. A group may notify again
 * when alerts join it, repeating the ones it had; the same group with the
 * same alerts twice (repeat_interval is 24 h) can only be a duplicate.
 */
export function countDeliveries(acked: ReadonlySet<string>, requests: readonly ReceivedRequest[]) {
  const delivered = new Set<string>();
  const contents = new Map<string, number>();
  for (const request of requests) {
    if (request.status !== 200) continue;
    const notification = request.json() as { groupKey: string; alerts: Array<{ labels: Record<string, string> }> };
    const keys = notification.alerts.map((alert) => alertKey(alert.labels)).sort();
    for (const key of keys) delivered.add(key);
    const content = `${notification.groupKey} ${keys.join(',')}`;
    contents.set(content, (contents.get(content) ?? 0) + 1);
  }
  return {
    notifications: requests.filter((r) => r.status === 200).length,
    lost: [...acked].filter((key) => !delivered.has(key)).length,
    duplicated: [...contents.values()].reduce((sum, count) => sum + (count - 1), 0),
    /** Alerts that arrived although no answer said they were accepted (a 5xx or a cut connection after queueing). */
    unacknowledgedButDelivered: [...delivered].filter((key) => !acked.has(key)).length,
  };
}

/**
 * Waits for a positive signal: every acknowledged alert delivered, then no
 * new request for `quietMs` (so a late duplicate is still seen). Gives up
 * after `timeoutMs`; the caller then reports what was lost.
 */
export async function waitForDeliveries(
  acked: ReadonlySet<string>,
  requests: readonly ReceivedRequest[],
  options: { quietMs: number; timeoutMs: number },
): Promise<{ drained: boolean; seconds: number }> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  let seenRequests = 0;
  let lastChange = Date.now();
  const delivered = new Set<string>();
  while (Date.now() < deadline) {
    if (requests.length !== seenRequests) {
      for (const request of requests.slice(seenRequests)) {
        if (request.status === 200) for (const alert of request.json().alerts) delivered.add(alertKey(alert.labels));
      }
      seenRequests = requests.length;
      lastChange = Date.now();
    }
    const all = [...acked].every((key) => delivered.has(key));
    if (all && Date.now() - lastChange >= options.quietMs) return { drained: true, seconds: Math.round((Date.now() - started) / 1000) };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { drained: false, seconds: Math.round((Date.now() - started) / 1000) };
}
