/**
 * Group labels and group keys, byte-compatible with Alertmanager so that
 * receivers and dedup keys (PagerDuty `dedup_key`, Opsgenie `alias`) derived
 * from `groupKey` stay stable for users moving over from Alertmanager.
 */
import { createHash } from 'node:crypto';
import type { LabelSet } from '../alert/alert.js';
import { labelValue } from '../alert/labels.js';
import { GROUP_BY_ALL } from './grouping-options.js';

/** Who a group belongs to: the payload's `receiver` and the route key prefixed to the group key. */
export interface GroupTarget {
  /** Receiver name as shown in the payload's `receiver`. */
  receiver: string;
  /**
   * Alertmanager's route key part of the group key. Must be unique across
   * accounts and receivers (we pass the receiver identity), because the group
   * key hash is the group's storage key.
   */
  routeKey: string;
}

/** Everything that identifies one group; computed once when alerts are partitioned. */
export interface GroupIdentity extends GroupTarget {
  /** `<routeKey>:<group labels>` as Alertmanager prints it. */
  key: string;
  /** SHA-256 hex of `key`: the storage key and the PagerDuty-style dedup key. */
  id: string;
  labels: LabelSet;
}

/** Alerts of one group, ready for {@link ingestAlerts}. */
export interface AlertBatch<A> {
  group: GroupIdentity;
  alerts: A[];
}

/**
 * The alert's values for the `groupBy` labels; `['...']` takes all labels.
 * Missing and empty labels are left out, as Alertmanager drops empty labels at
 * ingest and never prints them in group labels.
 */
export function groupLabelsFor(labels: LabelSet, groupBy: readonly string[]): LabelSet {
  const all = groupBy.length === 1 && groupBy[0] === GROUP_BY_ALL;
  const names = all ? Object.keys(labels) : groupBy;
  const result: LabelSet = {};
  for (const name of [...names].sort(compareBytes)) {
    const value = labelValue(labels, name);
    if (value !== '') result[name] = value;
  }
  return result;
}

/**
 * Prints a label set as Prometheus' `LabelSet.String()`: names sorted
 * byte-wise, values quoted as Go's `strconv.Quote`, pairs joined by `, `.
 */
export function formatLabelSet(labels: LabelSet): string {
  const pairs = Object.keys(labels)
    .sort(compareBytes)
    .map((name) => `${name}=${goQuote(labels[name] ?? '')}`);
  return `{${pairs.join(', ')}}`;
}

/** Alertmanager's group key: `<routeKey>:<group labels>`, e.g. `{}:{alertname="Watchdog"}`. */
export function groupKey(routeKey: string, groupLabels: LabelSet): string {
  return `${routeKey}:${formatLabelSet(groupLabels)}`;
}

/** SHA-256 hex of a group key, as Alertmanager derives PagerDuty's `dedup_key`. */
export function groupKeyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The identity of the group an alert with these labels falls into. */
export function groupIdentity(
  target: GroupTarget,
  labels: LabelSet,
  groupBy: readonly string[],
): GroupIdentity {
  const groupLabels = groupLabelsFor(labels, groupBy);
  const key = groupKey(target.routeKey, groupLabels);
  return { receiver: target.receiver, routeKey: target.routeKey, key, id: groupKeyHash(key), labels: groupLabels };
}

/**
 * Splits one receiver's alerts into per-group batches, in group-key order so
 * that callers touching several groups always do so in the same order.
 */
export function partitionAlerts<A extends { labels: LabelSet }>(
  alerts: readonly A[],
  target: GroupTarget,
  groupBy: readonly string[],
): AlertBatch<A>[] {
  const batches = new Map<string, AlertBatch<A>>();
  // Alerts of one group share their group-by values: the identity (sorting, quoting, a SHA-256) is made once per group.
  const byValues = groupBy.length === 1 && groupBy[0] === GROUP_BY_ALL ? undefined : new Map<string, GroupIdentity>();
  for (const alert of alerts) {
    const values = byValues === undefined ? undefined : JSON.stringify(groupBy.map((name) => labelValue(alert.labels, name)));
    let group = values === undefined ? undefined : byValues!.get(values);
    if (group === undefined) {
      group = groupIdentity(target, alert.labels, groupBy);
      if (values !== undefined) byValues!.set(values, group);
    }
    const batch = batches.get(group.key);
    if (batch) batch.alerts.push(alert);
    else batches.set(group.key, { group, alerts: [alert] });
  }
  return [...batches.values()].sort((a, b) => compareBytes(a.group.key, b.group.key));
}

/** Orders strings by their UTF-8 bytes, as Go compares strings. */
export function compareBytes(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // Below the surrogates, UTF-16 code units order as code points, hence as UTF-8 bytes.
    if (ca < 0xd800 && cb < 0xd800) return ca - cb;
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  }
  return a.length - b.length;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const SHORT_ESCAPES: Record<number, string> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
  0x22: '\\"',
  0x5c: '\\\\',
};

/** Go's `strconv.Quote`: printable runes kept, the rest escaped the way Go prints them. */
export function goQuote(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    const short = SHORT_ESCAPES[code];
    if (short !== undefined) out += short;
    else if (code >= 0xd800 && code <= 0xdfff) out += '\ufffd'; // a lone surrogate becomes U+FFFD in UTF-8, as in Go
    else if (PRINTABLE.test(char)) out += char;
    else if (code < 0x80) out += `\\x${hex(code, 2)}`;
    else if (code < 0x10000) out += `\\u${hex(code, 4)}`;
    else out += `\\U${hex(code, 8)}`;
  }
  return `${out}"`;
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}
