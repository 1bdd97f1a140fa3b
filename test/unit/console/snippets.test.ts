import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { senderSnippet } from '../../../console/src/snippets.js';

const target = { ingestUrl: 'https://api.example.com/ingest/c-abc', token: 'tdg_a"b:c' };

describe('senderSnippet', () => {
  it('points Alertmanager at the webhook endpoint with the token as bearer credentials', () => {
    const config = parse(senderSnippet('alertmanager', target));

    expect(config.receivers[0].webhook_configs[0]).toEqual({
      url: 'https://api.example.com/ingest/c-abc/alertmanager',
      send_resolved: true,
      http_config: { authorization: { credentials: 'tdg_a"b:c' } },
    });
  });

  it('points Prometheus at the cluster path as an Alertmanager', () => {
    const config = parse(senderSnippet('prometheus', target));

    expect(config.alerting.alertmanagers[0]).toEqual({
      scheme: 'https',
      path_prefix: '/ingest/c-abc',
      static_configs: [{ targets: ['api.example.com'] }],
      authorization: { credentials: 'tdg_a"b:c' },
    });
  });

  it('gives kubernetes-event-exporter, kube-eventer and the audit webhook their endpoints', () => {
    expect(parse(senderSnippet('kubernetes-event-exporter', target)).receivers[0].webhook).toEqual({
      endpoint: 'https://api.example.com/ingest/c-abc/events',
      headers: { Authorization: 'Bearer tdg_a"b:c' },
    });
    expect(senderSnippet('kube-eventer', target)).toBe('--sink=webhook:https://api.example.com/ingest/c-abc/t/tdg_a%22b%3Ac/events?method=POST');
    const kubeconfig = parse(senderSnippet('audit-webhook', target));
    expect(kubeconfig.clusters[0].cluster.server).toBe('https://api.example.com/ingest/c-abc/audit');
    expect(kubeconfig.users[0].user.token).toBe('tdg_a"b:c');
    expect(kubeconfig['current-context']).toBe('tidings');
  });
});
