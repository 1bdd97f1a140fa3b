import { ZERO_TIME, type LabelSet, type NotifiedAlert } from '../alert/alert.js';
import { labelValue } from '../alert/labels.js';
import type { NotificationMessage } from '../pipeline/messages.js';

/** A label or annotation as a name/value pair, for templates that list them. */
export interface Pair {
  name: string;
  value: string;
}

/** What kind of signal an alert came from; the default templates read each differently. */
export type AlertKind = 'metric' | 'event' | 'audit';

/** One alert as templates see it: the notification's alert, with what the default templates derive from it. */
export interface AlertView extends NotifiedAlert {
  kind: AlertKind;
  isMetric: boolean;
  isEvent: boolean;
  isAudit: boolean;
  alertname: string;
  severity: string;
  cluster: string;
  namespace: string;
  /** Labels not already shown in the alert's heading and location lines, sorted. */
  labelPairs: Pair[];
  /** Every label but internal ones, sorted, alertname first. */
  allLabelPairs: Pair[];
  annotationPairs: Pair[];
  /** The first of the summary, message and description annotations. */
  summary: string;
  description: string;
  message: string;
  /** Events: `Kind namespace/name` of the involved object; audits: the resource acted on. */
  object: string;
  reason: string;
  user: string;
  verb: string;
  /**
   * Whether startsAt is the alert's real start. A resolved alert sent without
   * one gets its end as start (Alertmanager's rule), which is not worth showing.
   */
  hasStart: boolean;
  /** Whether the alert is resolved with a known end. */
  hasEnd: boolean;
  /** The `runbook_url` annotation (Prometheus mixins' name for it), else `runbook`. */
  runbookURL: string;
}

/** The whole notification as templates see it: plain data, no functions, no class instances. */
export interface NotificationView {
  receiver: string;
  status: 'firing' | 'resolved';
  groupKey: string;
  groupLabels: LabelSet;
  commonLabels: LabelSet;
  commonAnnotations: LabelSet;
  groupLabelPairs: Pair[];
  commonLabelPairs: Pair[];
  /** A short name for the group: the common alertname, else the group labels. */
  name: string;
  alerts: AlertView[];
  firing: AlertView[];
  resolved: AlertView[];
  firingCount: number;
  resolvedCount: number;
  truncatedAlerts: number;
  totalCount: number;
  externalURL: string;
  language: string;
}

/** Labels that identify plumbing, not the problem; hidden from listings as notification-manager hides `rule_id`. */
const HIDDEN_LABELS = new Set(['rule_id', 'alerttype', 'rule_owner']);

/** Labels the default layout already shows elsewhere, by alert kind. */
const SHOWN_LABELS: Record<AlertKind, ReadonlySet<string>> = {
  metric: new Set(['alertname', 'severity', 'cluster', 'namespace']),
  event: new Set(['alertname', 'severity', 'cluster', 'namespace', 'kind', 'name', 'reason']),
  audit: new Set(['alertname', 'severity', 'cluster', 'namespace', 'user', 'verb', 'resource', 'subresource', 'name']),
};

/** Labels left out of an alert's `labelPairs`, by kind. */
const NOT_LISTED: Record<AlertKind, ReadonlySet<string>> = {
  metric: new Set([...HIDDEN_LABELS, ...SHOWN_LABELS.metric]),
  event: new Set([...HIDDEN_LABELS, ...SHOWN_LABELS.event]),
  audit: new Set([...HIDDEN_LABELS, ...SHOWN_LABELS.audit]),
};

/** Copies a label set into a frozen null-prototype map so no template path resolves to an inherited member. */
function ownMap(set: LabelSet): LabelSet {
  return Object.freeze(Object.assign(Object.create(null) as LabelSet, set));
}

function pairs(set: LabelSet, hidden: ReadonlySet<string> = new Set()): Pair[] {
  return Object.entries(set)
    .filter(([name]) => !hidden.has(name))
    .sort(([a], [b]) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({ name, value }));
}

function kindOf(alert: NotifiedAlert): AlertKind {
  const type = alert.labels.alerttype;
  if (type === 'event') return 'event';
  if (type === 'auditing') return 'audit';
  return 'metric';
}


function objectOf(alert: NotifiedAlert, kind: AlertKind): string {
  const namespace = labelValue(alert.labels, 'namespace');
  const name = labelValue(alert.labels, 'name');
  const qualified = namespace !== '' && name !== '' ? `${namespace}/${name}` : name || namespace;
  if (kind === 'event') {
    const involved = labelValue(alert.labels, 'kind');
    return [involved, qualified].filter((part) => part !== '').join(' ');
  }
  if (kind === 'audit') {
    const resource = [labelValue(alert.labels, 'resource'), labelValue(alert.labels, 'subresource')].filter((p) => p !== '').join('/');
    return [resource || labelValue(alert.labels, 'path'), qualified].filter((part) => part !== '').join(' ');
  }
  return '';
}

/** A time that says something: set, parseable, and not Go's zero time. */
function isKnownTime(value: string): boolean {
  const ms = Date.parse(value);
  return !Number.isNaN(ms) && ms > Date.parse(ZERO_TIME);
}

function alertView(alert: NotifiedAlert): AlertView {
  const kind = kindOf(alert);
  const { labels, annotations } = alert;
  const summary = labelValue(annotations, 'summary') || labelValue(annotations, 'message') || labelValue(annotations, 'description');
  const description = labelValue(annotations, 'description');
  const message = labelValue(annotations, 'message');
  return {
    status: alert.status,
    kind,
    isMetric: kind === 'metric',
    isEvent: kind === 'event',
    isAudit: kind === 'audit',
    alertname: labelValue(labels, 'alertname'),
    severity: labelValue(labels, 'severity'),
    cluster: labelValue(labels, 'cluster'),
    namespace: labelValue(labels, 'namespace'),
    labels: ownMap(labels),
    annotations: ownMap(annotations),
    labelPairs: pairs(labels, NOT_LISTED[kind]),
    allLabelPairs: pairs(labels, HIDDEN_LABELS),
    annotationPairs: pairs(annotations),
    summary,
    // Only what the summary line did not already say.
    description: description !== summary ? description : '',
    message: message !== summary ? message : '',
    object: objectOf(alert, kind),
    reason: labelValue(labels, 'reason'),
    user: labelValue(labels, 'user'),
    verb: labelValue(labels, 'verb'),
    startsAt: alert.startsAt,
    endsAt: alert.endsAt,
    hasStart: isKnownTime(alert.startsAt) && !(alert.status === 'resolved' && Date.parse(alert.startsAt) === Date.parse(alert.endsAt)),
    hasEnd: alert.status === 'resolved' && isKnownTime(alert.endsAt),
    runbookURL: labelValue(annotations, 'runbook_url') || labelValue(annotations, 'runbook'),
    generatorURL: alert.generatorURL,
    fingerprint: alert.fingerprint,
  };
}

/** Builds the data a template renders from a notification. */
/** The most alerts a template iterates over; messages with more are unreadable anyway, and channels cut them further. */
export const MAX_TEMPLATE_ALERTS = 200;

export function notificationView(notification: NotificationMessage, externalURL: string, language: string): NotificationView {
  // Templates see at most MAX_TEMPLATE_ALERTS alerts (firing first); the rest count as truncated, so a group of
  // thousands renders in bounded time and every message still says how many alerts it stands for.
  const allFiring = notification.alerts.filter((alert) => alert.status === 'firing');
  const allResolved = notification.alerts.filter((alert) => alert.status === 'resolved');
  const shownFiring = allFiring.slice(0, MAX_TEMPLATE_ALERTS);
  const shownResolved = allResolved.slice(0, Math.max(0, MAX_TEMPLATE_ALERTS - shownFiring.length));
  const hidden = notification.alerts.length - shownFiring.length - shownResolved.length;
  const alerts = [...shownFiring, ...shownResolved].map(alertView);
  const firing = alerts.filter((alert) => alert.status === 'firing');
  const resolved = alerts.filter((alert) => alert.status === 'resolved');
  const alertname = labelValue(notification.commonLabels, 'alertname');
  const groupText = pairs(notification.groupLabels).map((pair) => pair.value).join(' ');
  return {
    receiver: notification.receiver.name,
    status: notification.status,
    groupKey: notification.groupKey,
    groupLabels: ownMap(notification.groupLabels),
    commonLabels: ownMap(notification.commonLabels),
    commonAnnotations: ownMap(notification.commonAnnotations),
    groupLabelPairs: pairs(notification.groupLabels),
    commonLabelPairs: pairs(notification.commonLabels, HIDDEN_LABELS),
    name: alertname || groupText || alerts[0]?.alertname || '',
    alerts,
    firing,
    resolved,
    firingCount: allFiring.length,
    resolvedCount: allResolved.length,
    truncatedAlerts: notification.truncatedAlerts + hidden,
    totalCount: notification.alerts.length + notification.truncatedAlerts,
    externalURL,
    language,
  };
}
