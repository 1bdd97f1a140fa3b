import type { ChannelContext, TemplateKind } from '../channel.js';
import type { NotificationMessage } from '../../pipeline/messages.js';

/** The marker appended where text was cut, so a reader knows there was more. */
export const TRUNCATION_MARKER = '…';

/**
 * The text a channel sends: the receiver's templates when the delivery stage
 * supplied a renderer, otherwise the built-in summary, so a channel never
 * sends an empty message because templates are missing.
 */
export function renderText(kind: TemplateKind, notification: NotificationMessage, context: ChannelContext): string {
  return context.renderer?.render(kind, notification) ?? fallbackText(kind, notification);
}

/**
 * A minimal summary in Alertmanager's default style: `[FIRING:2] HighErrorRate prod-eu`
 * as the title, one line per alert below it.
 */
export function fallbackText(kind: TemplateKind, notification: NotificationMessage): string {
  const title = fallbackTitle(notification);
  if (kind === 'title') return title;
  const lines = notification.alerts.map((alert) => {
    const name = alert.labels.alertname ?? 'alert';
    const description = alert.annotations.summary ?? alert.annotations.description ?? alert.annotations.message ?? '';
    const where = [alert.labels.namespace, alert.labels.pod ?? alert.labels.instance].filter(Boolean).join('/');
    return { status: alert.status, name, where, description };
  });
  const more = notification.truncatedAlerts > 0 ? `and ${notification.truncatedAlerts} more alerts` : '';
  if (kind === 'html') {
    const items = lines
      .map((l) => `<li><b>[${l.status}] ${escapeHtml(l.name)}</b>${l.where ? ` (${escapeHtml(l.where)})` : ''}${l.description ? `: ${escapeHtml(l.description)}` : ''}</li>`)
      .join('');
    return `<h3>${escapeHtml(title)}</h3><ul>${items}</ul>${more ? `<p>${more}</p>` : ''}`;
  }
  const body = lines.map((l) => `- [${l.status}] ${kind === 'markdown' ? `**${l.name}**` : l.name}${l.where ? ` (${l.where})` : ''}${l.description ? `: ${l.description}` : ''}`);
  const heading = kind === 'markdown' ? `**${title}**` : title;
  return [heading, ...body, ...(more ? [more] : [])].join('\n');
}

function fallbackTitle(notification: NotificationMessage): string {
  const firing = notification.alerts.filter((alert) => alert.status === 'firing').length;
  const status = notification.status === 'firing' ? `FIRING:${firing + notification.truncatedAlerts}` : 'RESOLVED';
  const grouped = Object.keys(notification.groupLabels).length > 0 ? notification.groupLabels : notification.commonLabels;
  const values = Object.keys(grouped)
    .sort()
    .map((name) => grouped[name])
    .filter((value): value is string => Boolean(value));
  const fallbackName = notification.alerts[0]?.labels.alertname ?? 'alerts';
  return `[${status}] ${values.length > 0 ? values.join(' ') : fallbackName}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Folds text to one line: SMS and subjects must not carry line breaks. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/**
 * Cuts text to at most `max` characters (code points, so a surrogate pair is
 * never split), ending with the truncation marker when anything was cut.
 */
export function truncateChars(text: string, max: number, marker = TRUNCATION_MARKER): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const markerChars = Array.from(marker);
  return chars.slice(0, Math.max(0, max - markerChars.length)).join('') + marker;
}
