/** What a sender needs to reach a cluster's ingest URL: the URL and the cluster's token (or a placeholder). */
export interface SnippetTarget {
  ingestUrl: string;
  token: string;
}

export const SNIPPET_KINDS = ['alertmanager', 'prometheus', 'kubernetes-event-exporter', 'kube-eventer', 'audit-webhook'] as const;
export type SnippetKind = (typeof SNIPPET_KINDS)[number];

/** A YAML double-quoted string: a token or URL never breaks the snippet it is pasted into. */
const quoted = (value: string) => JSON.stringify(value);

/**
 * Copy-ready configuration for each sender the README's "Pointing senders at
 * tidings" describes, filled with the cluster's URL and token.
 */
export function senderSnippet(kind: SnippetKind, { ingestUrl, token }: SnippetTarget): string {
  const url = new URL(ingestUrl);
  switch (kind) {
    case 'alertmanager':
      return [
        'receivers:',
        '  - name: tidings',
        '    webhook_configs:',
        `      - url: ${quoted(`${ingestUrl}/alertmanager`)}`,
        '        send_resolved: true',
        '        http_config:',
        `          authorization: { credentials: ${quoted(token)} }`,
      ].join('\n');
    case 'prometheus':
      return [
        'alerting:',
        '  alertmanagers:',
        `    - scheme: ${url.protocol.replace(':', '')}`,
        `      path_prefix: ${quoted(url.pathname)}`,
        `      static_configs: [{ targets: [${quoted(url.host)}] }]`,
        `      authorization: { credentials: ${quoted(token)} }`,
      ].join('\n');
    case 'kubernetes-event-exporter':
      return [
        'receivers:',
        '  - name: tidings',
        '    webhook:',
        `      endpoint: ${quoted(`${ingestUrl}/events`)}`,
        '      headers:',
        `        Authorization: ${quoted(`Bearer ${token}`)}`,
      ].join('\n');
    case 'kube-eventer':
      return `--sink=webhook:${ingestUrl}/t/${encodeURIComponent(token)}/events?method=POST`;
    case 'audit-webhook':
      return [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '  - name: tidings',
        `    cluster: { server: ${quoted(`${ingestUrl}/audit`)} }`,
        'users:',
        '  - name: tidings',
        `    user: { token: ${quoted(token)} }`,
        'contexts:',
        '  - name: tidings',
        '    context: { cluster: tidings, user: tidings }',
        'current-context: tidings',
      ].join('\n');
  }
}
