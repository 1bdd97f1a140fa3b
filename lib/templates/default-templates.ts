import type { TemplateKind } from '../notify/channel.js';

/*
 * The built-in templates. One layout serves metric alerts, Kubernetes event
 * alerts and audit alerts: each alert gets a heading saying what it is about
 * (the alert name; the event reason and involved object; who did what to
 * which resource), then its summary/description/message, where, labels and
 * time. Counts come first and alerts left out of the message are counted last,
 * so nothing disappears silently. The markdown form sticks to bold, links and
 * lists: the subset DingTalk, Feishu, WeCom, Teams and Discord all render.
 */

const STATUS = '{{t status}}{{#if (eq status "firing")}}:{{firingCount}}{{/if}}';

/** What one alert is about, on one line. */
const HEADING =
  '[{{t status}}] {{alertname}}' +
  '{{#if isEvent}} · {{t "event"}}{{#if reason}} {{reason}}{{/if}}{{#if object}} · {{object}}{{/if}}{{/if}}' +
  '{{#if isAudit}} · {{t "audit"}}{{#if user}} · {{user}}{{/if}}{{#if verb}} {{verb}}{{/if}}{{#if object}} {{object}}{{/if}}{{/if}}' +
  '{{#if severity}} ({{severity}}){{/if}}';

const COUNTS =
  '{{#if firingCount}}{{t "firing count" firingCount}}{{/if}}' +
  '{{#if resolvedCount}}{{#if firingCount}} · {{/if}}{{t "resolved count" resolvedCount}}{{/if}}';

const LABELS = '{{#each labelPairs}}{{name}}={{value}}{{#unless @last}}, {{/unless}}{{/each}}';

/** When: start and duration, or start and end; a start that is not known is left out, not shown as the end. */
const TIME =
  '{{#if hasStart}}{{t "starts at"}}: {{date startsAt}}' +
  '{{#if (eq status "resolved")}}{{#if hasEnd}} · {{t "ends at"}}: {{date endsAt}}{{/if}}{{else}} · {{t "duration"}} {{since startsAt}}{{/if}}' +
  '{{else}}{{t "ends at"}}: {{date endsAt}}{{/if}}';

/**
 * Field lines of one alert, each tag on its own line so Handlebars drops the
 * lines of absent fields; `prefix` starts each line, `runbook` renders the link.
 */
function fields(prefix: string, runbook: string): string {
  return [
    '{{#if summary}}',
    `${prefix}{{t "summary"}}: {{summary}}`,
    '{{/if}}',
    '{{#if description}}',
    `${prefix}{{t "description"}}: {{description}}`,
    '{{/if}}',
    '{{#if message}}',
    `${prefix}{{t "message"}}: {{message}}`,
    '{{/if}}',
    '{{#if runbookURL}}',
    `${prefix}${runbook}`,
    '{{/if}}',
    // Only lines with something to say: a test notification has no cluster, an alert may have no known time.
    '{{#if cluster}}',
    `${prefix}{{t "cluster"}}: {{cluster}}{{#if namespace}} · {{t "namespace"}}: {{namespace}}{{/if}}`,
    '{{else if namespace}}',
    `${prefix}{{t "namespace"}}: {{namespace}}`,
    '{{/if}}',
    '{{#if labelPairs}}',
    `${prefix}{{t "labels"}}: ${LABELS}`,
    '{{/if}}',
    '{{#if (default hasStart hasEnd)}}',
    `${prefix}${TIME}`,
    '{{/if}}',
    '',
  ].join('\n');
}

const TITLE = `[${STATUS}] {{name}}{{#if commonLabels.cluster}} · {{commonLabels.cluster}}{{/if}}`;

const TEXT = `[${STATUS}] {{name}}
${COUNTS}
{{#each alerts}}

${HEADING}
${fields('', '{{t "runbook"}}: {{runbookURL}}')}{{/each}}
{{#if truncatedAlerts}}

{{t "more alerts" truncatedAlerts}}
{{/if}}
{{#if externalURL}}

{{t "view in tidings"}}: {{externalURL}}
{{/if}}`;

const MARKDOWN = `**[${STATUS}] {{name}}**

${COUNTS}
{{#each alerts}}

**${HEADING}**

${fields('- ', '[{{t "runbook"}}]({{runbookURL}})')}{{/each}}
{{#if truncatedAlerts}}

**{{t "more alerts" truncatedAlerts}}**
{{/if}}
{{#if externalURL}}

[{{t "view in tidings"}}]({{externalURL}})
{{/if}}`;

const HTML = `<!DOCTYPE html>
<html lang="{{language}}">
<head><meta charset="utf-8"><title>[${STATUS}] {{name}}</title></head>
<body style="font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; font-size: 14px; color: #222;">
<h2 style="color: {{#if (eq status "firing")}}#c62828{{else}}#2e7d32{{/if}};">[${STATUS}] {{name}}</h2>
<p>${COUNTS}</p>
{{#each alerts}}
<table style="border-collapse: collapse; margin: 12px 0; width: 100%; border-left: 4px solid {{#if (eq status "firing")}}#c62828{{else}}#2e7d32{{/if}};">
<tr><th colspan="2" style="text-align: left; padding: 6px;">${HEADING}</th></tr>
{{#if summary}}
<tr><td style="padding: 4px 6px; color: #666;">{{t "summary"}}</td><td style="padding: 4px 6px;">{{summary}}</td></tr>
{{/if}}
{{#if description}}
<tr><td style="padding: 4px 6px; color: #666;">{{t "description"}}</td><td style="padding: 4px 6px;">{{description}}</td></tr>
{{/if}}
{{#if message}}
<tr><td style="padding: 4px 6px; color: #666;">{{t "message"}}</td><td style="padding: 4px 6px;">{{message}}</td></tr>
{{/if}}
{{#if runbookURL}}
<tr><td style="padding: 4px 6px; color: #666;">{{t "runbook"}}</td><td style="padding: 4px 6px;"><a href="{{runbookURL}}">{{runbookURL}}</a></td></tr>
{{/if}}
{{#if cluster}}
<tr><td style="padding: 4px 6px; color: #666;">{{t "cluster"}}</td><td style="padding: 4px 6px;">{{cluster}}{{#if namespace}} / {{namespace}}{{/if}}</td></tr>
{{else if namespace}}
<tr><td style="padding: 4px 6px; color: #666;">{{t "namespace"}}</td><td style="padding: 4px 6px;">{{namespace}}</td></tr>
{{/if}}
{{#if labelPairs}}
<tr><td style="padding: 4px 6px; color: #666;">{{t "labels"}}</td><td style="padding: 4px 6px;">${LABELS}</td></tr>
{{/if}}
{{#if (default hasStart hasEnd)}}
<tr><td colspan="2" style="padding: 4px 6px; color: #666;">${TIME}</td></tr>
{{/if}}
{{#if generatorURL}}
<tr><td style="padding: 4px 6px; color: #666;">{{t "source"}}</td><td style="padding: 4px 6px;"><a href="{{generatorURL}}">{{generatorURL}}</a></td></tr>
{{/if}}
</table>
{{/each}}
{{#if truncatedAlerts}}
<p><strong>{{t "more alerts" truncatedAlerts}}</strong></p>
{{/if}}
{{#if externalURL}}
<p><a href="{{externalURL}}">{{t "view in tidings"}}</a></p>
{{/if}}
</body>
</html>
`;

/** The built-in template of each kind, used when a receiver has none and when a custom one fails. */
export const DEFAULT_TEMPLATES: Readonly<Record<TemplateKind, string>> = {
  title: TITLE,
  text: TEXT,
  markdown: MARKDOWN,
  html: HTML,
};
