/**
 * The alert model every stage passes along. One shape for metric alerts,
 * Kubernetes events and audit events once they have become alerts.
 */

export type LabelSet = Record<string, string>;

export type AlertStatus = 'firing' | 'resolved';

/** Where an alert came from, as the ingest endpoint saw it. */
export type SourceKind =
  | 'alertmanager-webhook'
  | 'alertmanager-api'
  | 'kubernetes-event'
  | 'kubernetes-audit'
  | 'cloudevent'
  | 'generic';

export interface Alert {
  labels: LabelSet;
  annotations: LabelSet;
  status: AlertStatus;
  /** RFC 3339 timestamp. */
  startsAt: string;
  /** RFC 3339 timestamp; Alertmanager's zero time `0001-01-01T00:00:00Z` while firing with no known end. */
  endsAt: string;
  generatorURL: string;
  /** Alertmanager-compatible fingerprint of `labels` (16 hex digits). */
  fingerprint: string;
  source: SourceKind;
  /** The authenticated cluster's name, also stamped as the `cluster` label. */
  cluster: string;
}

/**
 * An alert as Alertmanager's webhook and notifications carry it: what every
 * stage after routing needs (groups, notifications, templates). Where it came
 * from is no longer needed once routed: the `cluster` is a label too.
 */
export type NotifiedAlert = Pick<Alert, 'status' | 'labels' | 'annotations' | 'startsAt' | 'endsAt' | 'generatorURL' | 'fingerprint'>;

/** Alertmanager's zero time, used for `endsAt` of alerts with no known end. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The label name tidings stamps with the authenticated cluster's name. */
export const CLUSTER_LABEL = 'cluster';
