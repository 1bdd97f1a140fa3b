import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../lib/alert/fingerprint.js';
import { alertTextBytes, MAX_ALERT_TEXT_BYTES } from '../../../lib/alert/labels.js';
import {
  chooseIndex,
  compileCondition,
  compileRule,
  compileRuleSet,
  dryRun,
  evaluateSignal,
  normalizeSignal,
  RuleSyntaxError,
  RuleValidationError,
  SignalShapeError,
  type RuleSpec,
} from '../../../lib/rules/index.js';
import { auditEvent, coreEvent, context } from './fixtures.js';

function rule(overrides: Partial<RuleSpec> & Pick<RuleSpec, 'name'>): RuleSpec {
  return {
    signal: 'event',
    condition: 'type = "Warning"',
    enabled: true,
    kind: 'alert',
    severity: 'warning',
    scope: { level: 'cluster' },
    owner: { type: 'global' },
    ...overrides,
  };
}

const tenant = (tenantId: string) => ({ type: 'tenant', tenantId }) as const;
const names = (alerts: { labels: Record<string, string> }[]) => alerts.map((alert) => alert.labels.alertname);

describe('compileRule', () => {
  it('rejects invalid rules naming the field at fault', () => {
    const cases: Array<[Partial<RuleSpec>, string]> = [
      [{ name: '' }, 'name'],
      [{ severity: 'urgent' as RuleSpec['severity'] }, 'severity'],
      [{ kind: 'archive' as RuleSpec['kind'] }, 'kind'],
      [{ scope: { level: 'namespace', namespace: '' } }, 'scope.namespace'],
      [{ scope: { level: 'workspace' } as RuleSpec['scope'] }, 'scope.workspace'],
      [{ owner: { type: 'tenant', tenantId: '' } }, 'owner'],
      [{ labels: { namespace: 'other' } }, 'labels.namespace'],
      [{ labels: { cluster: 'other' } }, 'labels.cluster'],
      [{ labels: { 'bad-name': 'x' } }, 'labels.bad-name'],
      [{ annotations: { summary: '{{#if}}' } }, 'annotations.summary'],
      [{ resolveAfterSeconds: 5 }, 'resolveAfterSeconds'],
    ];
    for (const [overrides, field] of cases) {
      try {
        compileRule(rule({ name: 'R', ...overrides }));
        expect.unreachable(`${field} accepted`);
      } catch (error) {
        expect(error).toBeInstanceOf(RuleValidationError);
        expect((error as RuleValidationError).field).toBe(field);
      }
    }
  });

  it('passes a condition syntax error through with its position', () => {
    expect(() => compileRule(rule({ name: 'R', condition: 'reason = ' }))).toThrow(RuleSyntaxError);
  });

  it('warns when a label template would split repeats of one event into many alerts', () => {
    const compiled = compileRule(rule({ name: 'R', labels: { seen: '{{count}}', obj: '{{involvedObject.name}}' } }));
    expect(compiled.warnings).toEqual([expect.stringContaining('"seen"')]);
  });
});

describe('compileRuleSet', () => {
  it('compiles enabled rules only and reports broken ones without failing the set', () => {
    const set = compileRuleSet([
      rule({ name: 'Good' }),
      rule({ name: 'Off', enabled: false, condition: 'not even parseable (' }),
      rule({ name: 'UsesDeletedMacro', condition: '${gone}' }),
    ]);
    expect(set.rules.map((r) => r.spec.name)).toEqual(['Good']);
    expect(set.rejected.map((r) => [r.spec.name, r.error.name])).toEqual([['UsesDeletedMacro', 'RuleReferenceError']]);
  });

  it('gives each tenant its own definitions layered over the operator\'s', () => {
    const set = compileRuleSet(
      [
        rule({ name: 'Global', condition: '${warn}' }),
        rule({ name: 'ShopOwn', condition: '${warn} and ${mine}', owner: tenant('team-shop') }),
        rule({ name: 'PayBorrowed', condition: '${mine}', owner: tenant('team-pay') }),
      ],
      { global: { macros: { warn: 'type = "Warning"' } }, tenants: { 'team-shop': { macros: { mine: 'reason = "BackOff"' } } } },
    );
    expect(set.rules.map((r) => r.spec.name)).toEqual(['Global', 'ShopOwn']);
    expect(set.rejected.map((r) => r.spec.name)).toEqual(['PayBorrowed']);
  });
});

describe('evaluateSignal', () => {
  describe('tenant isolation (security boundary)', () => {
    const everything = 'true';
    const set = compileRuleSet([
      rule({ name: 'OperatorAll', condition: everything }),
      rule({ name: 'ShopAll', condition: everything, owner: tenant('team-shop') }),
      rule({ name: 'PayAll', condition: everything, owner: tenant('team-pay') }),
      rule({ name: 'PayClaimsShop', condition: everything, owner: tenant('team-pay'), scope: { level: 'namespace', namespace: 'shop' } }),
      rule({ name: 'PayClaimsStorefront', condition: everything, owner: tenant('team-pay'), scope: { level: 'workspace', workspace: 'storefront' } }),
      rule({ name: 'PayAuditAll', signal: 'audit', condition: everything, owner: tenant('team-pay') }),
      rule({ name: 'ShopAuditAll', signal: 'audit', condition: everything, owner: tenant('team-shop') }),
    ]);

    it('shows a tenant\'s rules only the events of namespaces it may access', () => {
      expect(names(evaluateSignal(set, coreEvent('crashLoopBackOff'), context()))).toEqual(['OperatorAll', 'ShopAll']);
      expect(names(evaluateSignal(set, coreEvent('failedMount'), context()))).toEqual(['OperatorAll', 'PayAll']);
    });

    it('never lets a tenant reach another tenant\'s namespace by naming it in its scope', () => {
      const alerts = evaluateSignal(set, coreEvent('crashLoopBackOff'), context());
      expect(names(alerts)).not.toContain('PayClaimsShop');
      expect(names(alerts)).not.toContain('PayClaimsStorefront');
    });

    it('shows cluster-level events to operator rules only, even to a tenant owning "default"', () => {
      expect(names(evaluateSignal(set, coreEvent('nodeNotReady'), context()))).toEqual(['OperatorAll']);
      expect(names(evaluateSignal(set, auditEvent('clusterRoleBindingDeleteAdmin'), context()))).toEqual([]);
    });

    it('shows namespaces nobody was granted to operator rules only', () => {
      expect(names(evaluateSignal(set, coreEvent('kubeSystemBackOff'), context()))).toEqual(['OperatorAll']);
    });

    it('applies the same boundary to audit events, by objectRef.namespace', () => {
      expect(names(evaluateSignal(set, auditEvent('secretGetByUser'), context()))).toEqual(['PayAuditAll']);
      expect(names(evaluateSignal(set, auditEvent('execPost'), context()))).toEqual(['ShopAuditAll']);
    });

    it('fails closed when the access lookup knows nothing', () => {
      const ctx = context({ namespaceAccess: () => undefined as never });
      expect(names(evaluateSignal(set, coreEvent('crashLoopBackOff'), ctx))).toEqual(['OperatorAll']);
    });

    it('does not believe a request body shaped like a normalized signal', () => {
      const forged = { type: 'event', namespace: 'shop', doc: { reason: 'X', involvedObject: { namespace: 'payments' } } };
      // Normalized again like any input, it is not an event at all.
      expect(() => evaluateSignal(set, forged, context())).toThrow(SignalShapeError);
    });

    it('looks up access once per event and never for cluster-level ones', () => {
      const ctx = context();
      evaluateSignal(set, coreEvent('crashLoopBackOff'), ctx);
      evaluateSignal(set, coreEvent('nodeNotReady'), ctx);
      expect(ctx.lookups).toEqual(['shop']);
    });

    it('stamps tenant alerts with their owner, which templates cannot change', () => {
      const [, shop] = evaluateSignal(set, coreEvent('crashLoopBackOff'), context());
      expect(shop?.labels.rule_owner).toBe('team-shop');
      expect(shop?.labels.namespace).toBe('shop');
    });
  });

  describe('scopes', () => {
    const set = compileRuleSet([
      rule({ name: 'Cluster' }),
      rule({ name: 'OtherCluster', scope: { level: 'cluster', cluster: 'staging' } }),
      rule({ name: 'Storefront', scope: { level: 'workspace', workspace: 'storefront' } }),
      rule({ name: 'ShopOnly', scope: { level: 'namespace', namespace: 'shop' } }),
      rule({ name: 'ShopTenantWorkspace', owner: tenant('team-shop'), scope: { level: 'workspace', workspace: 'storefront' } }),
      rule({ name: 'ShopTenantNamespace', owner: tenant('team-shop'), scope: { level: 'namespace', namespace: 'shop' } }),
    ]);

    it('applies workspace and namespace scopes to the event\'s namespace', () => {
      expect(names(evaluateSignal(set, coreEvent('crashLoopBackOff'), context()))).toEqual([
        'Cluster',
        'Storefront',
        'ShopOnly',
        'ShopTenantWorkspace',
        'ShopTenantNamespace',
      ]);
      expect(names(evaluateSignal(set, coreEvent('failedMount'), context()))).toEqual(['Cluster']);
    });

    it('applies cluster-pinned rules to that cluster only', () => {
      expect(names(evaluateSignal(set, coreEvent('systemOOM'), context({ cluster: 'staging' })))).toEqual(['Cluster', 'OtherCluster']);
    });

    it('keeps workspace and namespace rules away from cluster-level events', () => {
      expect(names(evaluateSignal(set, coreEvent('systemOOM'), context()))).toEqual(['Cluster']);
    });
  });

  describe('drop rules', () => {
    const set = compileRuleSet([
      rule({ name: 'Warnings' }),
      rule({ name: 'ShopWarnings', owner: tenant('team-shop') }),
      rule({ name: 'PayWarnings', owner: tenant('team-pay') }),
      rule({ name: 'DropKubeSystem', kind: 'drop', condition: 'involvedObject.namespace = "kube-system"' }),
      rule({ name: 'ShopDropsProbes', kind: 'drop', condition: 'reason = "Unhealthy"', owner: tenant('team-shop') }),
      rule({ name: 'PayDropsEverything', kind: 'drop', condition: 'true', owner: tenant('team-pay') }),
    ]);

    it('lets an operator drop rule discard the event for everyone, whatever the rule order', () => {
      expect(evaluateSignal(set, coreEvent('kubeSystemBackOff'), context())).toEqual([]);
    });

    it('lets a tenant drop rule mute only that tenant\'s own rules', () => {
      expect(names(evaluateSignal(set, coreEvent('unhealthyRepeated'), context()))).toEqual(['Warnings']);
    });

    it('keeps a tenant drop rule from touching events it cannot see', () => {
      expect(names(evaluateSignal(set, coreEvent('crashLoopBackOff'), context()))).toEqual(['Warnings', 'ShopWarnings']);
    });
  });

  it('emits every matching alert rule, in rule order', () => {
    const set = compileRuleSet([
      rule({ name: 'B', condition: 'reason = "BackOff"' }),
      rule({ name: 'A', condition: 'count > 3' }),
      rule({ name: 'C', condition: 'reason = "Failed"' }),
    ]);
    expect(names(evaluateSignal(set, coreEvent('crashLoopBackOff'), context()))).toEqual(['B', 'A']);
  });

  it('keeps event rules and audit rules apart', () => {
    const set = compileRuleSet([rule({ name: 'E', condition: 'true' }), rule({ name: 'A', signal: 'audit', condition: 'true' })]);
    expect(names(evaluateSignal(set, coreEvent('crashLoopBackOff'), context()))).toEqual(['E']);
    expect(names(evaluateSignal(set, auditEvent('execPost'), context()))).toEqual(['A']);
  });
});

describe('alerts from events', () => {
  it('shortens annotations rendered from a huge event so the alert fits the size every stage accepts', () => {
    const huge = coreEvent('crashLoopBackOff');
    // Each template output is capped in characters; 40 of them in a 3-byte script still reach about 480 KiB.
    huge.message = '界'.repeat(5000);
    const annotations = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`dump${i}`, '{{message}}']));
    const whole = compileRuleSet([rule({ name: 'Whole', condition: 'true', annotations })]);

    const [alert] = evaluateSignal(whole, huge, context());

    expect(alertTextBytes(alert!)).toBeLessThanOrEqual(MAX_ALERT_TEXT_BYTES);
    expect(Object.values(alert!.annotations).filter((value) => /^界+… \(shortened\)$/.test(value)).length).toBeGreaterThan(0);
  });

  const set = compileRuleSet(
    [
      rule({
        name: 'ContainerBackoff',
        condition: 'reason = "BackOff" and count > 3',
        labels: { team: '{{lookup involvedObject.labels "team"}}', component: '{{source.component}}' },
        annotations: { summary: '{{involvedObject.kind}} {{involvedObject.name}} restarts ({{count}}x) on {{@cluster}}' },
      }),
    ],
    {},
    { resolveAfterSeconds: 600 },
  );

  it('labels the alert like KubeSphere and with the object identity', () => {
    const [alert] = evaluateSignal(set, coreEvent('crashLoopBackOff'), context());
    expect(alert).toMatchObject({
      labels: {
        alertname: 'ContainerBackoff',
        alerttype: 'event',
        severity: 'warning',
        cluster: 'prod-eu',
        namespace: 'shop',
        kind: 'Pod',
        name: 'web-7d9c6b5f4-x2k8p',
        pod: 'web-7d9c6b5f4-x2k8p',
        reason: 'BackOff',
        container: 'web',
        component: 'kubelet',
      },
      annotations: {
        message: expect.stringContaining('Back-off restarting failed container web'),
        summary: 'Pod web-7d9c6b5f4-x2k8p restarts (7x) on prod-eu',
      },
      source: 'kubernetes-event',
      cluster: 'prod-eu',
      generatorURL: '',
    });
    expect(alert?.labels).not.toHaveProperty('team');
    expect(alert?.fingerprint).toBe(fingerprint(alert?.labels ?? {}));
  });

  it('maps repeats of one event (rising count) to one alert and extends its end', () => {
    const [first] = evaluateSignal(set, coreEvent('crashLoopBackOff'), context());
    const [repeat] = evaluateSignal(set, coreEvent('crashLoopBackOffRepeat'), context({ now: new Date('2024-05-14T08:22:00Z') }));
    expect(repeat?.fingerprint).toBe(first?.fingerprint);
    expect(repeat?.startsAt).toBe(first?.startsAt);
    expect(first?.startsAt).toBe('2024-05-14T08:01:02.000Z');
    expect(first?.endsAt).toBe('2024-05-14T08:19:47.000Z');
    expect(repeat?.endsAt).toBe('2024-05-14T08:31:30.000Z');
    expect(first?.status).toBe('firing');
  });

  it('resolves by itself: an event older than resolveAfter yields a resolved alert', () => {
    const [late] = evaluateSignal(set, coreEvent('crashLoopBackOff'), context({ now: new Date('2024-05-14T09:00:00Z') }));
    expect(late?.status).toBe('resolved');
  });

  it('lets a rule choose its own resolve period', () => {
    const custom = compileRuleSet([rule({ name: 'R', condition: 'reason = "BackOff"', resolveAfterSeconds: 3600 })]);
    const [alert] = evaluateSignal(custom, coreEvent('crashLoopBackOff'), context());
    expect(alert?.endsAt).toBe('2024-05-14T09:09:47.000Z');
  });

  it('leaves out the namespace label for cluster-level events and names the node', () => {
    const nodes = compileRuleSet([rule({ name: 'Node', condition: 'involvedObject.kind = "Node"' })]);
    const [alert] = evaluateSignal(nodes, coreEvent('nodeNotReady'), context());
    expect(alert?.labels).not.toHaveProperty('namespace');
    expect(alert?.labels.node).toBe('ip-10-0-2-44.ec2.internal');
  });

  it('keeps a Namespace object\'s name out of the namespace label', () => {
    const namespaces = compileRuleSet([rule({ name: 'Ns', condition: 'true' })]);
    const [alert] = evaluateSignal(
      namespaces,
      { reason: 'Deleting', type: 'Normal', involvedObject: { kind: 'Namespace', name: 'payments' } },
      context(),
    );
    expect(alert?.labels).not.toHaveProperty('namespace');
    expect(alert?.labels.name).toBe('payments');
  });
});

describe('alerts from audit events', () => {
  const set = compileRuleSet([rule({ name: 'Exec', signal: 'audit', condition: 'objectRef.subresource = "exec"' })]);

  it('derives the identity from user, verb and object', () => {
    const [alert] = evaluateSignal(set, auditEvent('execPost'), context());
    expect(alert).toMatchObject({
      labels: {
        alertname: 'Exec',
        alerttype: 'auditing',
        namespace: 'shop',
        verb: 'create',
        resource: 'pods',
        subresource: 'exec',
        name: 'web-7d9c6b5f4-x2k8p',
        user: 'bob@example.com',
      },
      annotations: { message: "bob@example.com create pods/exec 'web-7d9c6b5f4-x2k8p' in namespace shop (101)" },
      source: 'kubernetes-audit',
      startsAt: '2024-05-14T08:13:05.000Z',
    });
  });

  it('gives the same action by the same user one fingerprint across requests and stages', () => {
    const a = evaluateSignal(set, auditEvent('execPost'), context());
    const b = evaluateSignal(set, { ...auditEvent('execPost'), auditID: 'another', stage: 'ResponseComplete' }, context());
    const other = evaluateSignal(set, { ...auditEvent('execPost'), user: { username: 'mallory@example.com' } }, context());
    expect(b[0]?.fingerprint).toBe(a[0]?.fingerprint);
    expect(other[0]?.fingerprint).not.toBe(a[0]?.fingerprint);
  });
});

describe('the rule index', () => {
  it('indexes by the most selective equality of a top-level conjunction', () => {
    const choose = (source: string) => chooseIndex(compileCondition(source).ast);
    expect(choose('type = "Warning" and reason = "BackOff"')).toEqual({ field: 'reason', keys: ['s:BackOff'] });
    expect(choose('involvedObject.kind in ("Pod", "Job") and type = "Warning"')).toEqual({ field: 'involvedObject.kind', keys: ['s:Pod', 's:Job'] });
    expect(choose('Verb = "create" and ObjectRef.Resource = "pods"')).toEqual({ field: 'objectRef.resource', keys: ['s:pods'] });
    expect(choose('responseStatus.code = 403')).toBeUndefined();
    expect(choose('reason = "A" or reason = "B"')).toBeUndefined();
    expect(choose('reason != "A"')).toBeUndefined();
    expect(choose('not reason = "A" and type = "Warning"')).toEqual({ field: 'type', keys: ['s:Warning'] });
  });

  it('gives the same answers as testing every rule, on every fixture', () => {
    const reasons = ['BackOff', 'Failed', 'Unhealthy', 'FailedMount', 'NodeNotReady', 'Evicted', 'Pulled'];
    const specs: RuleSpec[] = [];
    reasons.forEach((reason, i) => {
      specs.push(rule({ name: `eq-${i}`, condition: `reason = "${reason}"` }));
      specs.push(rule({ name: `in-${i}`, condition: `involvedObject.kind in ("Pod", "Node") and reason in ("${reason}", "Other")` }));
      specs.push(rule({ name: `scan-${i}`, condition: `reason = "${reason}" or count > ${i}` }));
      specs.push(rule({ name: `num-${i}`, condition: `type = "Warning" and count >= ${i}` }));
    });
    const set = compileRuleSet(specs);
    const fixtures = ['crashLoopBackOff', 'imagePullFailed', 'unhealthyOnce', 'failedMount', 'nodeNotReady', 'evicted', 'normalPulled', 'systemOOM'];
    for (const name of fixtures) {
      const event = coreEvent(name);
      const doc = normalizeSignal(event).doc;
      const expected = set.rules.filter((r) => r.condition.test(doc));
      expect(names(evaluateSignal(set, event, context()))).toEqual(expected.map((r) => r.spec.name));
    }
    expect(set.indexes.event.alert.stats()).toMatchObject({ indexed: 21, unindexed: 7 });
  });

  it('indexes numeric equalities against numbers and numeric strings alike', () => {
    const set = compileRuleSet([rule({ name: 'Count7', condition: 'count = 7 and reason in ("BackOff")' }), rule({ name: 'Pods', condition: 'involvedObject.kind = "Pod"' })]);
    expect(names(evaluateSignal(set, coreEvent('crashLoopBackOff'), context()))).toEqual(['Count7', 'Pods']);
  });
});

describe('dryRun', () => {
  const set = compileRuleSet([
    rule({ name: 'DropNormal', kind: 'drop', condition: 'type = "Normal"' }),
    rule({ name: 'Pulled', condition: 'reason = "Pulled"' }),
    rule({ name: 'BackOff', condition: 'reason = "BackOff"', annotations: { summary: '{{involvedObject.name}}' } }),
    rule({ name: 'PayBackOff', condition: 'reason = "BackOff"', owner: tenant('team-pay') }),
    rule({ name: 'ShopMutes', kind: 'drop', condition: 'count > 100', owner: tenant('team-shop') }),
  ]);

  it('lists matching alert rules with the alert each would produce, and out-of-scope rules', () => {
    const report = dryRun(set, coreEvent('crashLoopBackOff'), context());
    expect(report).toMatchObject({ signal: 'event', namespace: 'shop', dropped: false, outOfScope: ['PayBackOff'] });
    expect(report.matches).toEqual([
      { rule: 'BackOff', owner: { type: 'global' }, kind: 'alert', outcome: 'alert', alert: expect.objectContaining({ annotations: expect.objectContaining({ summary: 'web-7d9c6b5f4-x2k8p' }) }) },
    ]);
    expect(report.alerts).toHaveLength(1);
  });

  it('shows the drop rule and the alert rules it muted', () => {
    const report = dryRun(set, coreEvent('normalPulled'), context());
    expect(report.dropped).toBe(true);
    expect(report.matches.map((m) => [m.rule, m.outcome])).toEqual([
      ['DropNormal', 'drop'],
      ['Pulled', 'dropped-by-rule'],
    ]);
    expect(report.alerts).toEqual([]);
  });

  it('agrees with evaluateSignal', () => {
    for (const name of ['crashLoopBackOff', 'normalPulled', 'failedMount']) {
      expect(dryRun(set, coreEvent(name), context()).alerts).toEqual(evaluateSignal(set, coreEvent(name), context()));
    }
  });
});
