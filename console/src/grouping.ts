import type { AmAlert, LabelSet } from './types.js';

/** Alerts of one receiver that share the values of the group-by labels, as Alertmanager groups them. */
export interface AlertGroup {
  receiver: string;
  labels: LabelSet;
  alerts: AmAlert[];
}

/**
 * Groups alerts like Alertmanager's dispatcher: per receiver, by the values of
 * `groupBy` (a label an alert lacks is left out of its group's labels; `...`
 * means every label). Groups and their alerts come in a stable order.
 */
export function groupAlerts(alerts: readonly AmAlert[], groupBy: readonly string[]): AlertGroup[] {
  const all = groupBy.includes('...');
  const groups = new Map<string, AlertGroup>();
  for (const alert of alerts) {
    const labels: LabelSet = {};
    for (const name of all ? Object.keys(alert.labels) : groupBy) {
      const value = alert.labels[name];
      if (value !== undefined) labels[name] = value;
    }
    for (const { name: receiver } of alert.receivers.length > 0 ? alert.receivers : [{ name: '' }]) {
      const key = JSON.stringify([receiver, Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))]);
      const group = groups.get(key) ?? { receiver, labels, alerts: [] };
      group.alerts.push(alert);
      groups.set(key, group);
    }
  }
  const sorted = [...groups.values()].sort((a, b) => a.receiver.localeCompare(b.receiver) || compareLabels(a.labels, b.labels));
  for (const group of sorted) group.alerts.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.fingerprint.localeCompare(b.fingerprint));
  return sorted;
}

/** Label sets pair by pair in name order; a set that is a prefix of the other comes first. */
function compareLabels(a: LabelSet, b: LabelSet): number {
  const left = Object.entries(a).sort(([x], [y]) => x.localeCompare(y));
  const right = Object.entries(b).sort(([x], [y]) => x.localeCompare(y));
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const order = left[i]![0].localeCompare(right[i]![0]) || left[i]![1].localeCompare(right[i]![1]);
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

/** `name="value"` with the value quoted as matchers read it. */
export function equalityMatcher(name: string, value: string): string {
  return `${name}=${JSON.stringify(value)}`;
}
