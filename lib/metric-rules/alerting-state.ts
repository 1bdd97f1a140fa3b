import { fingerprint } from '../alert/fingerprint.js';
import { expandTemplate } from './alert-templates.js';

/** One element of an instant query's result vector. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** An alerting rule as the evaluator runs it (durations in milliseconds). */
export interface EvaluatedRule {
  alert: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  forMs: number;
  keepFiringForMs: number;
}

/** One alert a rule tracks, as Prometheus' rules.Alert (times in ms since the epoch). */
export interface TrackedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  value: number;
  activeAt: number;
  firedAt?: number;
  resolvedAt?: number;
  lastSentAt?: number;
  validUntil?: number;
  keepFiringSince?: number;
}

/** A rule's alerts by the fingerprint of their labels. */
export type RuleAlerts = Record<string, TrackedAlert>;

/** An alert as Prometheus posts it to Alertmanager's `POST /api/v2/alerts`. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

/** How the evaluator is configured, as Prometheus' flags and global config. */
export interface EvaluationSettings {
  externalLabels: Record<string, string>;
  externalURL: string;
  /** The group's evaluation interval. */
  intervalMs: number;
  /** `--rules.alert.resend-delay` (1m by default). */
  resendDelayMs: number;
}

/** Prometheus keeps a resolved alert this long, re-sending it as resolved. */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

/** Two samples gave the same labels after the rule's labels were applied; as in Prometheus, the evaluation changes nothing. */
export class DuplicateAlertLabelsError extends Error {
  constructor(readonly alert: string) {
    super(`rule ${alert}: the result contains series with the same labels after the rule's labels were applied`);
    this.name = 'DuplicateAlertLabelsError';
  }
}

/**
 * One evaluation of an alerting rule at `ts`, with Prometheus' semantics
 * (rules/alerting.go, 2.42): a new label set becomes pending; a pending
 * alert fires once `for` has passed since it became active (`for: 0` on the
 * first evaluation); an alert missing from the result is dropped if pending,
 * kept firing while `keep_firing_for` lasts, else resolved, and a resolved
 * alert is kept for 15 minutes so it is re-sent as resolved; an alert that
 * is present again after resolving starts over as pending. Then the sending
 * step (`sendAlerts`): every firing or resolved alert is sent when it
 * resolved since it was last sent or when the resend delay has passed,
 * valid for 4 × max(resend delay, interval); `startsAt` is when it fired,
 * `endsAt` when it resolved or until when it is valid.
 * Pure: answers the new state and what to send; `previous` is not changed.
 */
export function evaluateAlertingRule(
  rule: EvaluatedRule,
  samples: readonly Sample[],
  previous: Readonly<RuleAlerts>,
  ts: number,
  settings: EvaluationSettings,
): { alerts: RuleAlerts; send: PostableAlert[] } {
  const current: RuleAlerts = {};
  for (const sample of samples) {
    // Templates see the series' labels as they came (`__name__` too); the alert's labels drop the name.
    const data = { labels: sample.labels, externalLabels: settings.externalLabels, externalURL: settings.externalURL, value: sample.value };
    const labels = withoutName(sample.labels);
    for (const [name, template] of Object.entries(rule.labels)) {
      const value = expandTemplate(template, data);
      // Prometheus' label builder drops a label set to the empty string.
      if (value === '') delete labels[name];
      else labels[name] = value;
    }
    labels.alertname = rule.alert;
    const annotations = Object.fromEntries(Object.entries(rule.annotations).map(([name, template]) => [name, expandTemplate(template, data)]));
    const key = fingerprint(labels);
    if (current[key] !== undefined) throw new DuplicateAlertLabelsError(rule.alert);
    current[key] = { labels, annotations, state: 'pending', value: sample.value, activeAt: ts };
  }

  const alerts: RuleAlerts = Object.fromEntries(Object.entries(previous).map(([key, alert]) => [key, { ...alert }]));
  for (const [key, fresh] of Object.entries(current)) {
    const existing = alerts[key];
    if (existing !== undefined && existing.state !== 'inactive') {
      existing.value = fresh.value;
      existing.annotations = fresh.annotations;
      continue;
    }
    alerts[key] = fresh;
  }

  for (const [key, alert] of Object.entries(alerts)) {
    if (current[key] === undefined) {
      let keepFiring = false;
      if (alert.state === 'firing' && rule.keepFiringForMs > 0) {
        alert.keepFiringSince ??= ts;
        keepFiring = ts - alert.keepFiringSince < rule.keepFiringForMs;
      }
      if (alert.state === 'pending' || (alert.resolvedAt !== undefined && ts - alert.resolvedAt > RESOLVED_RETENTION_MS)) delete alerts[key];
      if (alert.state !== 'inactive' && !keepFiring) {
        alert.state = 'inactive';
        alert.resolvedAt = ts;
      }
      if (!keepFiring) continue;
    } else {
      delete alert.keepFiringSince;
    }
    if (alert.state === 'pending' && ts - alert.activeAt >= rule.forMs) {
      alert.state = 'firing';
      alert.firedAt = ts;
    }
  }

  return { alerts, send: alertsToSend(rule, alerts, ts, settings) };
}

/** Prometheus' sendAlerts: marks what it sends in `alerts` and answers it as posted. */
function alertsToSend(rule: EvaluatedRule, alerts: RuleAlerts, ts: number, settings: EvaluationSettings): PostableAlert[] {
  const send: PostableAlert[] = [];
  const validFor = 4 * Math.max(settings.resendDelayMs, settings.intervalMs);
  for (const alert of Object.values(alerts)) {
    if (!needsSending(alert, ts, settings.resendDelayMs)) continue;
    alert.lastSentAt = ts;
    alert.validUntil = ts + validFor;
    send.push({
      // The notifier adds external labels the alert does not carry.
      labels: { ...settings.externalLabels, ...alert.labels },
      annotations: alert.annotations,
      startsAt: new Date(alert.firedAt ?? alert.activeAt).toISOString(),
      endsAt: new Date(alert.resolvedAt ?? alert.validUntil).toISOString(),
      generatorURL: `${settings.externalURL.replace(/\/$/, '')}/graph?g0.expr=${queryEscape(rule.expr)}&g0.tab=1`,
    });
  }
  return send;
}

function needsSending(alert: TrackedAlert, ts: number, resendDelayMs: number): boolean {
  if (alert.state === 'pending') return false;
  if (alert.resolvedAt !== undefined && alert.resolvedAt > (alert.lastSentAt ?? Number.NEGATIVE_INFINITY)) return true;
  return (alert.lastSentAt ?? Number.NEGATIVE_INFINITY) + resendDelayMs < ts;
}

function withoutName(labels: Record<string, string>): Record<string, string> {
  const { __name__: _name, ...rest } = labels;
  return rest;
}

/** Go's url.QueryEscape: everything but letters, digits and `-_.~` escaped, spaces as `+`. */
function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}
