import { describe, expect, it } from 'vitest';
import {
  compileRuleSet,
  defaultAuditRules,
  defaultDefinitions,
  defaultEventRules,
  evaluateSignal,
  validateDefinitions,
} from '../../../lib/rules/index.js';
import { auditEvent, auditEventList, context, coreEvent, eventsV1Event } from './fixtures.js';

const set = compileRuleSet([...defaultEventRules, ...defaultAuditRules], { global: defaultDefinitions });
const fired = (raw: Record<string, unknown>) => evaluateSignal(set, raw, context()).map((alert) => alert.labels.alertname);

describe('default rule sets', () => {
  it('all compile, without warnings, and are enabled', () => {
    expect(() => validateDefinitions(defaultDefinitions)).not.toThrow();
    expect(set.rejected).toEqual([]);
    expect(set.rules).toHaveLength(defaultEventRules.length + defaultAuditRules.length);
    expect(set.rules.flatMap((rule) => rule.warnings)).toEqual([]);
  });

  it('index most rules instead of scanning them', () => {
    expect(set.indexes.event.alert.stats().unindexed).toBe(0);
    // Only ForbiddenRequest (responseStatus.code = 403) has no indexed equality.
    expect(set.indexes.audit.alert.stats().unindexed).toBe(1);
  });

  describe('event rules', () => {
    it.each([
      ['imagePullFailed', ['ImagePullFailed']],
      ['errImagePull', ['ImagePullFailed']],
      ['imagePullBackOffWarning', ['ImagePullFailed']],
      ['crashLoopBackOff', ['CrashLoopBackOff']],
      ['kubeSystemBackOff', ['CrashLoopBackOff']],
      ['systemOOM', ['OOMKilled']],
      ['oomKilling', ['OOMKilled']],
      ['failedScheduling', ['FailedScheduling']],
      ['failedMount', ['FailedMount']],
      ['failedAttachVolume', ['FailedMount']],
      ['unhealthyRepeated', ['ProbeFailing']],
      ['evicted', ['Evicted']],
      ['evictionThresholdMet', ['Evicted']],
      ['nodeNotReady', ['NodeNotReady']],
    ])('raise on %s: %j', (name, expected) => {
      expect(fired(coreEvent(name))).toEqual(expected);
    });

    it.each(['unhealthyOnce', 'normalPulled', 'normalScheduled', 'nodeReady', 'imagePullBackOff', 'podFailedNoFieldPath', 'replicaSetFailedCreate'])(
      'stay quiet on %s',
      (name) => {
        expect(fired(coreEvent(name))).toEqual([]);
      },
    );

    it('match events.k8s.io/v1 events too', () => {
      expect(fired(eventsV1Event('failedScheduling'))).toEqual(['FailedScheduling']);
      expect(fired(eventsV1Event('crashLoopSingle'))).toEqual(['CrashLoopBackOff']);
    });

    it('set severity and summaries', () => {
      const [alert] = evaluateSignal(set, coreEvent('nodeNotReady'), context());
      expect(alert?.labels.severity).toBe('critical');
      expect(alert?.annotations.summary).toBe('Node ip-10-0-2-44.ec2.internal is not ready');
    });
  });

  describe('audit rules', () => {
    it.each([
      ['execPost', ['PodExecOrAttach']],
      ['execWebSocketGet', ['PodExecOrAttach']],
      ['attach', ['PodExecOrAttach']],
      ['secretGetByUser', ['SecretReadByUser']],
      ['secretListByUser', ['SecretReadByUser']],
      ['secretGetForbidden', ['ForbiddenRequest']],
      ['roleBindingCreate', ['RBACChanged']],
      ['clusterRoleBindingDeleteAdmin', ['RBACChanged']],
      ['anonymousListNamespaces', ['AnonymousRequest', 'ForbiddenRequest']],
      ['forbiddenDeploymentDelete', ['ForbiddenRequest']],
      ['namespaceDelete', ['NamespaceDeleted']],
      ['namespaceDeleteForbidden', ['ForbiddenRequest']],
    ])('raise on %s: %j', (name, expected) => {
      expect(fired(auditEvent(name))).toEqual(expected);
    });

    it.each([
      'execPostRequestReceived',
      'podLogs',
      'secretGetByServiceAccount',
      'clusterRoleAggregationUpdate',
      'roleGet',
      'anonymousHealthz',
      'anonymousLivezVerbose',
      'namespaceCreate',
      'configMapGet',
      'createHostNetworkPod',
    ])('stay quiet on %s', (name) => {
      expect(fired(auditEvent(name))).toEqual([]);
    });

    it('summarise with the actor and the object', () => {
      const [alert] = evaluateSignal(set, auditEvent('secretGetByUser'), context());
      expect(alert?.annotations.summary).toBe('alice@example.com read secret payments/stripe-api-key');
      expect(alert?.labels).toMatchObject({ alerttype: 'auditing', user: 'alice@example.com', resource: 'secrets', namespace: 'payments' });
    });

    it('evaluate a whole audit EventList item by item', () => {
      const all = auditEventList().items.flatMap((item) => evaluateSignal(set, item, context()));
      expect(all.length).toBeGreaterThanOrEqual(13);
      expect(new Set(all.map((alert) => alert.source))).toEqual(new Set(['kubernetes-audit']));
    });
  });
});
