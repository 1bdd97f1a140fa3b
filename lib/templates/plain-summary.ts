import type { LabelSet } from '../alert/alert.js';
import type { TemplateKind } from '../notify/channel.js';
import type { NotificationMessage } from '../pipeline/messages.js';
import { translate, type LanguagePack } from './language-packs.js';
import { MAX_TEMPLATE_ALERTS } from './template-data.js';
import { handlebars } from './handlebars-module.js';

/** Longest summary a line of the plain summary shows; the line is a pointer to the alert, not its whole text. */
const MAX_LINE_TEXT = 300;

function own(set: LabelSet, name: string): string {
  return Object.hasOwn(set, name) ? (set[name] ?? '') : '';
}

/**
 * The message of last resort, for when even a built-in template failed (its
 * time budget on a starved process, data nobody foresaw): plain string
 * building over at most MAX_TEMPLATE_ALERTS alerts, no template engine and no
 * helpers, so it always returns. Says what the group is, one line per alert,
 * and how many alerts it left out.
 */
export function plainSummary(kind: TemplateKind, notification: NotificationMessage, dictionaries: ReadonlyArray<LanguagePack | undefined>): string {
  const t = (key: string, ...args: unknown[]) => translate(dictionaries, key, args);
  const firing = notification.alerts.filter((alert) => alert.status === 'firing').length;
  const name = own(notification.commonLabels, 'alertname') || (notification.alerts[0] === undefined ? '' : own(notification.alerts[0].labels, 'alertname'));
  const title = `[${t(notification.status)}${notification.status === 'firing' ? `:${firing}` : ''}] ${name}`;
  if (kind === 'title') return title;

  const shown = notification.alerts.slice(0, MAX_TEMPLATE_ALERTS);
  const lines = shown.map((alert) => {
    const text = (own(alert.annotations, 'summary') || own(alert.annotations, 'message') || own(alert.annotations, 'description')).slice(0, MAX_LINE_TEXT);
    return `[${t(alert.status)}] ${own(alert.labels, 'alertname')}${text === '' ? '' : `: ${text}`}`;
  });
  const hidden = notification.alerts.length - shown.length + notification.truncatedAlerts;
  const more = hidden > 0 ? t('more alerts', hidden) : '';
  if (kind === 'html') {
    const escape = handlebars.get().escapeExpression;
    const items = lines.map((line) => `<li>${escape(line)}</li>`).join('\n');
    return `<h3>${escape(title)}</h3>\n<ul>\n${items}\n</ul>${more === '' ? '' : `\n<p>${escape(more)}</p>`}\n`;
  }
  const heading = kind === 'markdown' ? `**${title}**` : title;
  return [heading, '', ...lines.map((line) => `- ${line}`), ...(more === '' ? [] : ['', more])].join('\n');
}
