import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { Channel } from '../channel.js';
import type { NotificationMessage } from '../../pipeline/messages.js';
import { oneLine, renderText, truncateChars } from './message-text.js';
import { channelSecrets, outcomeOfResponse, toScrubbedChannelError } from './provider-error.js';

/** PagerDuty's payload severities; anything else in the `severity` label falls back to the default. */
const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
type PagerDutySeverity = (typeof SEVERITIES)[number];

/** PagerDuty rejects events over 512 KB; Alertmanager keeps under the same bound. */
const MAX_EVENT_BYTES = 512 * 1024;
const MAX_SUMMARY_CHARS = 1024;

const settingsSchema = z.object({
  /** The Events API v2 integration key of the service (32 characters). */
  routingKey: z.string().length(32, 'must be the 32-character Events API v2 integration key'),
  /** Events API endpoint; the EU service region uses `https://events.eu.pagerduty.com/v2/enqueue`. */
  url: z.url({ protocol: /^https?$/ }).default('https://events.pagerduty.com/v2/enqueue'),
  /** Severity when the alerts carry no (or an unknown) `severity` label. */
  defaultSeverity: z.enum(SEVERITIES).default('error'),
  /** Where the problem is; defaults to the cluster of the first alert. */
  source: z.string().min(1).max(255).optional(),
  component: z.string().max(255).optional(),
  group: z.string().max(255).optional(),
  class: z.string().max(255).optional(),
  client: z.string().max(255).default('tidings'),
  timeoutMs: z.number().int().min(100).max(30_000).default(10_000),
});
export type PagerDutySettings = z.infer<typeof settingsSchema>;

const secretSettings = ['routingKey'];

/**
 * PagerDuty Events API v2: a firing group triggers an incident and the same
 * group resolved resolves it, tied together by a `dedup_key` derived from the
 * group key exactly as Alertmanager derives it (SHA-256, hex), so incidents
 * opened by Alertmanager and by tidings for the same group coincide.
 */
export const pagerDutyChannel: Channel<PagerDutySettings> = {
  type: 'pagerduty',
  rateLimitPerMinute: 120,
  settingsSchema,
  secretSettings,
  redact(settings) {
    return { ...settings, routingKey: '<secret>' };
  },
  async send(settings, notification, context) {
    const event = pagerDutyEvent(settings, notification, renderText('title', notification, context), context.externalURL);
    const secrets = channelSecrets({ secretSettings }, settings);
    try {
      const response = await context.http({
        method: 'POST',
        url: settings.url,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
        timeoutMs: settings.timeoutMs,
      });
      return outcomeOfResponse(response, secrets);
    } catch (error) {
      throw toScrubbedChannelError(error, secrets);
    }
  },
};

/** Alertmanager's PagerDuty dedup key: the hex SHA-256 of the group key. */
export function pagerDutyDedupKey(groupKey: string): string {
  return createHash('sha256').update(groupKey, 'utf8').digest('hex');
}

/** Maps a `severity` label to PagerDuty's four levels (`critical`, `error`, `warning`, `info`). */
export function pagerDutySeverity(label: string | undefined, fallback: PagerDutySeverity): PagerDutySeverity {
  const value = label?.trim().toLowerCase();
  if (value === undefined) return fallback;
  if ((SEVERITIES as readonly string[]).includes(value)) return value as PagerDutySeverity;
  if (value === 'warn' || value === 'major' || value === 'minor') return 'warning';
  if (value === 'page' || value === 'fatal' || value === 'emergency') return 'critical';
  if (value === 'none' || value === 'informational') return 'info';
  return fallback;
}

/** Builds the Events API v2 body for a notification. */
export function pagerDutyEvent(settings: PagerDutySettings, notification: NotificationMessage, title: string, externalURL: string) {
  const dedupKey = pagerDutyDedupKey(notification.groupKey);
  if (notification.status === 'resolved') {
    // A resolve needs only the key pair; PagerDuty ignores any payload on it.
    return { routing_key: settings.routingKey, event_action: 'resolve' as const, dedup_key: dedupKey };
  }
  const firstAlert = notification.alerts[0];
  const severityLabel = notification.commonLabels.severity ?? firstAlert?.labels.severity;
  const alerts = notification.alerts.map((alert) => ({
    status: alert.status,
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: alert.startsAt,
    ...(alert.status === 'resolved' ? { endsAt: alert.endsAt } : {}),
    generatorURL: alert.generatorURL,
  }));
  const event = {
    routing_key: settings.routingKey,
    event_action: 'trigger' as const,
    dedup_key: dedupKey,
    client: settings.client,
    client_url: externalURL,
    payload: {
      summary: truncateChars(oneLine(title), MAX_SUMMARY_CHARS) || 'alert',
      source: settings.source ?? firstAlert?.labels.cluster ?? 'tidings',
      severity: pagerDutySeverity(severityLabel, settings.defaultSeverity),
      timestamp: firstAlert?.startsAt,
      ...(settings.component === undefined ? {} : { component: settings.component }),
      ...(settings.group === undefined ? {} : { group: settings.group }),
      ...(settings.class === undefined ? {} : { class: settings.class }),
      custom_details: {
        num_firing: notification.alerts.filter((alert) => alert.status === 'firing').length + notification.truncatedAlerts,
        num_resolved: notification.alerts.filter((alert) => alert.status === 'resolved').length,
        group_labels: notification.groupLabels,
        common_labels: notification.commonLabels,
        common_annotations: notification.commonAnnotations,
        alerts,
        truncated_alerts: notification.truncatedAlerts,
      },
    },
  };
  // Too large for PagerDuty: keep the incident (summary, counts) and drop alert details from the end.
  while (Buffer.byteLength(JSON.stringify(event)) > MAX_EVENT_BYTES && event.payload.custom_details.alerts.length > 0) {
    event.payload.custom_details.alerts.pop();
    event.payload.custom_details.truncated_alerts += 1;
  }
  return event;
}
