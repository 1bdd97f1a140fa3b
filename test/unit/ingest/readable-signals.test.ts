/**
 * What ingest keeps of a signal decides how its notification reads: these
 * check that each source's own words about the object reach labels and
 * annotations, and that nothing reads as an empty placeholder.
 */
import { describe, expect, it } from 'vitest';
import { parseAlertmanagerWebhook } from '../../../lib/ingest/alertmanager-webhook.js';
import { classifyCloudEvents, type CloudEvent } from '../../../lib/ingest/cloudevents.js';
import { parseKubernetesEvents } from '../../../lib/ingest/kubernetes-events.js';
import { compileRuleSet, defaultDefinitions, defaultEventRules, evaluateSignal } from '../../../lib/rules/index.js';
import { context } from '../rules/fixtures.js';
import { fixture, NOW, source } from './fixtures.js';

const rules = compileRuleSet([...defaultEventRules], { global: defaultDefinitions });

/** kube-eventer's default webhook body, as its template renders a kubelet event (double quotes stripped). */
function aKubeEventerBody(overrides: Record<string, string> = {}) {
  return {
    EventType: 'Warning',
    EventKind: 'Pod',
    EventReason: 'Failed',
    EventTime: '2024-05-14 08:09:47 +0000 UTC',
    EventMessage: 'Failed to pull image registry.example.com/web:1.4.0: rpc error: code = NotFound desc = failed to pull and unpack image',
    ...overrides,
  };
}

describe('parseAlertmanagerWebhook without startsAt', () => {
  it('defaults it as Alertmanager does: now for a firing alert, endsAt for one that already ended', () => {
    // Prepare
    const body = {
      alerts: [
        { status: 'firing', labels: { alertname: 'NoStart' } },
        { status: 'resolved', labels: { alertname: 'Ended' }, endsAt: '2026-11-25T10:01:00Z' },
      ],
    };

    // Act
    const { alerts, issues } = parseAlertmanagerWebhook(body, source, { now: NOW });

    // Assess
    expect(issues).toEqual([]);
    expect(alerts.map((alert) => alert.startsAt)).toEqual([NOW.toISOString(), '2026-11-25T10:01:00Z']);
  });
});

describe('kube-eventer events', () => {
  it('summarise a Pod event without an object name as "Pod …", never "Pod /"', () => {
    const [signal] = parseKubernetesEvents(aKubeEventerBody()).signals;

    const [alert] = evaluateSignal(rules, signal!.event, context());

    expect(alert?.labels.alertname).toBe('ImagePullFailed');
    expect(alert?.annotations.summary).toBe('Pod cannot pull its image');
  });

  it('take the pod and namespace from a kubelet message that names them', () => {
    const body = aKubeEventerBody({
      EventReason: 'BackOff',
      EventMessage: 'Back-off restarting failed container web in pod web-7d9c6b5f4-x2k8p_shop(0a1b2c3d-1111-2222-3333-444455556666)',
    });

    const [signal] = parseKubernetesEvents(body).signals;
    const [alert] = evaluateSignal(rules, signal!.event, context());

    expect(signal).toMatchObject({ namespace: 'shop', event: { involvedObject: { kind: 'Pod', name: 'web-7d9c6b5f4-x2k8p', namespace: 'shop' } } });
    expect(alert?.annotations.summary).toBe('A container of pod shop/web-7d9c6b5f4-x2k8p keeps crashing');
    expect(alert?.labels).toMatchObject({ kind: 'Pod', name: 'web-7d9c6b5f4-x2k8p', namespace: 'shop' });
  });

  it('keep names given by a custom body over anything in the message', () => {
    const [signal] = parseKubernetesEvents(fixture('kube-eventer-custom.json')).signals;
    expect(signal?.event.involvedObject).toMatchObject({ kind: 'Deployment', name: 'web', namespace: 'shop' });
  });
});

describe('CloudEvents whose data is not alert-shaped', () => {
  /** A Jenkins job-completed event as the CloudEvents plugin sends it (structured mode). */
  const jenkins: CloudEvent = {
    specversion: '1.0',
    id: 'b6a5c1e0-1d2f-4f5e-9c8a-3f0e1d2c3b4a',
    source: 'job/deploy-web',
    type: 'org.jenkinsci.job.completed',
    time: '2026-11-25T10:03:00Z',
    datacontenttype: 'application/json',
    data: { name: 'deploy-web', displayName: 'deploy-web', url: 'job/deploy-web/', build: { number: 42, phase: 'COMPLETED', status: 'FAILURE', fullUrl: 'https://jenkins.example/job/deploy-web/42/' } },
    extensions: {},
  };

  /** An Argo Workflows resource event: the Workflow object itself as data, with a subject. */
  const argo: CloudEvent = {
    specversion: '1.0',
    id: 'wf-1',
    source: 'argo-events/workflow-watcher',
    type: 'io.argoproj.workflow.failed',
    subject: 'nightly-etl-x7k2p',
    data: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'nightly-etl-x7k2p', namespace: 'data', uid: 'f1e2d3c4', managedFields: [{ manager: 'workflow-controller' }] },
      status: { phase: 'Failed', message: 'child nightly-etl-x7k2p-123 failed' },
    },
    extensions: {},
  };

  it('name the object in labels and describe the rest in annotations', () => {
    const { alerts, issues } = classifyCloudEvents([jenkins, argo], source, { now: NOW });

    expect(issues).toEqual([]);
    expect(alerts[0]!.labels).toMatchObject({ alertname: 'org.jenkinsci.job.completed', name: 'deploy-web', ce_source: 'job/deploy-web' });
    expect(alerts[0]!.annotations).toEqual({
      summary: 'org.jenkinsci.job.completed from job/deploy-web',
      description: 'displayName: deploy-web; url: job/deploy-web/; build.number: 42; build.phase: COMPLETED; build.status: FAILURE; build.fullUrl: https://jenkins.example/job/deploy-web/42/',
    });
    expect(alerts[1]!.labels).toMatchObject({ namespace: 'data', name: 'nightly-etl-x7k2p', kind: 'Workflow', ce_subject: 'nightly-etl-x7k2p' });
    expect(alerts[1]!.annotations.summary).toBe('io.argoproj.workflow.failed from argo-events/workflow-watcher (nightly-etl-x7k2p)');
    expect(alerts[1]!.annotations.description).toBe('apiVersion: argoproj.io/v1alpha1; status.phase: Failed; status.message: child nightly-etl-x7k2p-123 failed');
  });

  it('use the data\'s own message as the message', () => {
    const { alerts } = classifyCloudEvents([{ ...jenkins, data: { message: 'Deploy of web failed at stage rollout', stage: 'rollout' } }], source, { now: NOW });
    expect(alerts[0]!.annotations).toEqual({ message: 'Deploy of web failed at stage rollout', description: 'stage: rollout' });
  });

  it('leave alert-shaped data as the producer wrote it', () => {
    const { alerts } = classifyCloudEvents([{ ...jenkins, subject: 'x', data: { labels: { severity: 'critical' }, annotations: { summary: 'down' } } }], source, { now: NOW });
    expect(alerts[0]!.labels).not.toHaveProperty('ce_subject');
    expect(alerts[0]!.annotations).toEqual({ summary: 'down' });
  });
});
