import { formatGoFloat } from './go-format.js';

/** What Prometheus gives a rule's label and annotation templates. */
export interface TemplateData {
  labels: Readonly<Record<string, string>>;
  externalLabels: Readonly<Record<string, string>>;
  externalURL: string;
  value: number;
}

const ACTION = /\{\{(-?)\s*(.*?)\s*(-?)\}\}/gs;

/**
 * Expands the subset of Prometheus' Go templates that rules use to quote an
 * alert: `{{ $labels.<name> }}`, `{{ $value }}`, `{{ $externalLabels.<name> }}`,
 * `{{ $externalURL }}` and their `.Labels.<name>`, `.Value`, `.ExternalLabels.<name>`,
 * `.ExternalURL` spellings, with `{{-`/`-}}` trimming. A missing label is
 * empty, as in Go. Anything else (pipelines, functions, conditionals)
 * yields Prometheus' own failure text, `<error expanding template: …>`, so
 * the alert still goes out and says what could not be shown.
 */
export function expandTemplate(template: string, data: TemplateData): string {
  if (!template.includes('{{')) return template;
  let out = '';
  let last = 0;
  for (const match of template.matchAll(ACTION)) {
    let before = template.slice(last, match.index);
    if (match[1] === '-') before = before.replace(/\s+$/, '');
    out += before;
    const value = evaluate(match[2]!, data);
    if (value === undefined) return `<error expanding template: unsupported action {{ ${match[2]} }} (tidings expands $labels, $value, $externalLabels and $externalURL)>`;
    out += value;
    last = match.index + match[0].length;
    if (match[3] === '-') {
      const rest = template.slice(last);
      last += rest.length - rest.replace(/^\s+/, '').length;
    }
  }
  return out + template.slice(last);
}

function evaluate(action: string, data: TemplateData): string | undefined {
  if (action === '$value' || action === '.Value') return formatGoFloat(data.value);
  if (action === '$externalURL' || action === '.ExternalURL') return data.externalURL;
  const field = /^(\$labels|\.Labels|\$externalLabels|\.ExternalLabels)\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(action);
  if (field === null) return undefined;
  const source = field[1] === '$labels' || field[1] === '.Labels' ? data.labels : data.externalLabels;
  return Object.hasOwn(source, field[2]!) ? source[field[2]!]! : '';
}
