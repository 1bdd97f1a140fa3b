import { describe, expect, it } from 'vitest';
import type { InhibitRule } from '../../../lib/inhibit/rule.js';
import type { Receiver } from '../../../lib/receivers/receiver.js';
import { routeAlerts, unreachedReceivers, type RoutingSnapshot } from '../../../lib/route/route-alerts.js';
import type { RoutePolicy, Router } from '../../../lib/route/router.js';
import type { Silence } from '../../../lib/silence/silence.js';
import { accessKey, type AccessEntry } from '../../../lib/tenancy/tenant.js';
import { anAlert } from '../../helpers/builders.js';
import { fingerprint } from '../../../lib/alert/fingerprint.js';

const NOW = new Date('2026-11-25T12:00:00Z');

function receiver(name: string, extra: Partial<Receiver> = {}): Receiver {
  return {
    accountId: 'acme',
    name,
    channel: 'webhook',
    enabled: true,
    settings: { url: 'https://example.com' },
    createdAt: '',
    updatedAt: '',
    version: 1,
    ...extra,
  };
}

function alert(labels: Record<string, string>) {
  const full = { cluster: 'prod', ...labels };
  return anAlert({ labels: full, fingerprint: fingerprint(full), cluster: full.cluster });
}

function router(name: string, selector: Router['selector'], target: Router['target']): Router {
  return { accountId: 'acme', name, enabled: true, selector, target, createdAt: '', updatedAt: '', version: 1 };
}

const teamA = [receiver('a-slack', { tenantId: 'team-a', channel: 'slack' }), receiver('a-mail', { tenantId: 'team-a', channel: 'email' })];
const teamB = [receiver('b-hook', { tenantId: 'team-b' })];
const ops = receiver('ops');
const pager = receiver('pager', { channel: 'pagerduty' });

function access(...entries: Array<[string, string, string, AccessEntry['via']?]>): Map<string, AccessEntry[]> {
  const map = new Map<string, AccessEntry[]>();
  for (const [cluster, namespace, tenantId, via] of entries) {
    const key = accessKey(cluster, namespace);
    map.set(key, [...(map.get(key) ?? []), { cluster, namespace, tenantId, via: via ?? { kind: 'binding' } }]);
  }
  return map;
}

function snapshot(overrides: Partial<RoutingSnapshot> = {}): RoutingSnapshot {
  return {
    policy: 'All',
    globalReceivers: [ops, pager],
    tenantReceivers: new Map([
      ['team-a', teamA],
      ['team-b', teamB],
    ]),
    access: access(['prod', 'shop', 'team-a'], ['prod', 'payments', 'team-b', { kind: 'workspace', workspace: 'fin' }]),
    routers: [],
    silences: [],
    inhibitRules: [],
    firingAlerts: [],
    ...overrides,
  };
}

/** The receivers that got the alert, as `name` or `tenant/name`, sorted. */
function receiversOf(labels: Record<string, string>, snap: RoutingSnapshot): string[] {
  const { decisions } = routeAlerts([alert(labels)], snap, NOW);
  return decisions[0]!.receivers.filter((r) => r.outcome === 'delivered').map((r) => r.receiver).sort();
}

describe('routeAlerts: tenancy', () => {
  it('sends an alert without namespace to global receivers only', () => {
    expect(receiversOf({ alertname: 'NodeDown' }, snapshot())).toEqual(['ops', 'pager']);
  });

  it('sends a namespaced alert to the receivers of tenants bound to it, and to global receivers', () => {
    expect(receiversOf({ alertname: 'X', namespace: 'shop' }, snapshot())).toEqual(['ops', 'pager', 'team-a/a-mail', 'team-a/a-slack']);
  });

  it('reaches tenants through a workspace and says so', () => {
    const { decisions } = routeAlerts([alert({ alertname: 'X', namespace: 'payments' })], snapshot(), NOW);
    expect(decisions[0]!.tenants).toEqual([{ tenantId: 'team-b', via: 'workspace fin' }]);
    expect(decisions[0]!.receivers.find((r) => r.receiver === 'team-b/b-hook')!.via).toEqual(['tenant team-b (workspace fin)']);
  });

  it('does not match a namespace of the same name in another cluster', () => {
    expect(receiversOf({ alertname: 'X', namespace: 'shop', cluster: 'staging' }, snapshot())).toEqual(['ops', 'pager']);
  });

  it('never gives a tenant an alert of a namespace it may not see, even when a router names its receivers', () => {
    const snap = snapshot({
      routers: [router('steal', {}, { receivers: ['team-b/b-hook'], tenants: ['team-b'], channels: ['webhook'] })],
    });
    const got = receiversOf({ alertname: 'X', namespace: 'shop' }, snap);
    expect(got).not.toContain('team-b/b-hook');
    expect(receiversOf({ alertname: 'NodeDown' }, snap)).not.toContain('team-b/b-hook');
  });
});

describe('routeAlerts: routers and policies', () => {
  const critical = router('critical-to-pager', { matchLabels: { severity: 'critical' } }, { receivers: ['pager'] });
  const byChannel = router('slack-for-shop', { matchers: ['namespace="shop"'] }, { channels: ['slack'] });
  const onlyOps = snapshot({ globalReceivers: [ops, pager] });

  const cases: Array<[RoutePolicy, Record<string, string>, string[]]> = [
    ['All', { alertname: 'X', severity: 'critical' }, ['ops', 'pager']],
    ['RouterFirst', { alertname: 'X', severity: 'critical' }, ['pager']],
    ['RouterFirst', { alertname: 'X', severity: 'info' }, ['ops', 'pager']],
    ['RouterOnly', { alertname: 'X', severity: 'critical' }, ['pager']],
    ['RouterOnly', { alertname: 'X', severity: 'info' }, []],
    ['RouterFirst', { alertname: 'X', namespace: 'shop', severity: 'info' }, ['team-a/a-slack']],
    ['RouterOnly', { alertname: 'X', namespace: 'shop', severity: 'critical' }, ['pager', 'team-a/a-slack']],
    ['All', { alertname: 'X', namespace: 'shop', severity: 'critical' }, ['ops', 'pager', 'team-a/a-mail', 'team-a/a-slack']],
  ];

  it.each(cases)('with policy %s routes %o to %o', (policy, labels, expected) => {
    expect(receiversOf(labels, { ...onlyOps, policy, routers: [critical, byChannel] })).toEqual(expected);
  });

  it('gives a receiver an alert once even when it matches several ways, listing every way', () => {
    const snap = snapshot({ routers: [critical, router('also-pager', {}, { receiverPattern: 'pag.*' })] });
    const { decisions, messages } = routeAlerts([alert({ alertname: 'X', severity: 'critical' })], snap, NOW);
    const pagerDecision = decisions[0]!.receivers.filter((r) => r.receiver === 'pager');
    expect(pagerDecision).toHaveLength(1);
    expect(pagerDecision[0]!.via).toEqual(['global receiver', 'router critical-to-pager', 'router also-pager']);
    expect(messages.filter((m) => m.receiver.name === 'pager')).toHaveLength(1);
  });

  it('anchors router name patterns', () => {
    expect(receiversOf({ alertname: 'X' }, snapshot({ policy: 'RouterOnly', routers: [router('p', {}, { receiverPattern: 'pag' })] }))).toEqual([]);
  });

  it('sends to all receivers of named tenants that may see the alert', () => {
    const snap = snapshot({ policy: 'RouterOnly', routers: [router('team-a-all', {}, { tenants: ['team-a'] })] });
    expect(receiversOf({ alertname: 'X', namespace: 'shop' }, snap)).toEqual(['team-a/a-mail', 'team-a/a-slack']);
  });

  it('ignores disabled routers', () => {
    const off = { ...critical, enabled: false };
    expect(receiversOf({ alertname: 'X', severity: 'critical' }, snapshot({ policy: 'RouterOnly', routers: [off] }))).toEqual([]);
  });
});

describe('routeAlerts: receiver filters', () => {
  it('applies Kubernetes selectors and Alertmanager matchers, and explains what was unmet', () => {
    const filtered = receiver('filtered', {
      filter: { matchExpressions: [{ key: 'severity', operator: 'In', values: ['critical', 'error'] }], matchers: ['team!="db"'] },
    });
    const snap = snapshot({ globalReceivers: [filtered] });
    expect(receiversOf({ alertname: 'X', severity: 'critical' }, snap)).toEqual(['filtered']);
    expect(receiversOf({ alertname: 'X', severity: 'critical', team: 'db' }, snap)).toEqual([]);
    const { decisions } = routeAlerts([alert({ alertname: 'X', severity: 'info' })], snap, NOW);
    expect(decisions[0]!.receivers[0]).toMatchObject({ outcome: 'filtered', detail: expect.stringContaining('severity') });
  });

  it('skips disabled receivers', () => {
    expect(receiversOf({ alertname: 'X' }, snapshot({ globalReceivers: [receiver('off', { enabled: false })] }))).toEqual([]);
  });
});

describe('routeAlerts: silences and inhibition', () => {
  const silence = (id: string, matchers: string[], scope: Silence['scope']): Silence => ({
    id,
    matchers: matchers.map((m) => {
      const [name, value] = m.split('=');
      return { name: name!, value: value!, isRegex: false, isEqual: true };
    }),
    startsAt: '2026-11-25T00:00:00Z',
    endsAt: '2026-11-26T00:00:00Z',
    createdBy: 'ops',
    comment: 'maintenance',
    scope,
  });

  it('a global silence mutes the alert for everyone', () => {
    const snap = snapshot({ silences: [silence('s1', ['alertname=X'], { kind: 'global' })] });
    expect(receiversOf({ alertname: 'X', namespace: 'shop' }, snap)).toEqual([]);
  });

  it("a tenant silence mutes only that tenant's receivers", () => {
    const snap = snapshot({ silences: [silence('s2', ['alertname=X'], { kind: 'tenant', tenantId: 'team-a' })] });
    const { decisions } = routeAlerts([alert({ alertname: 'X', namespace: 'shop' })], snap, NOW);
    const outcome = Object.fromEntries(decisions[0]!.receivers.map((r) => [r.receiver, r.outcome]));
    expect(outcome).toEqual({ ops: 'delivered', pager: 'delivered', 'team-a/a-slack': 'silenced', 'team-a/a-mail': 'silenced' });
  });

  it('inhibits pod alerts while their node is down, and names the source', () => {
    const nodeDown = alert({ alertname: 'NodeDown', node: 'n1' });
    const rule: InhibitRule = {
      id: 'node-mutes-pods',
      sourceMatchers: [{ name: 'alertname', value: 'NodeDown', isRegex: false, isEqual: true }],
      targetMatchers: [{ name: 'alertname', value: 'PodNotReady', isRegex: false, isEqual: true }],
      equal: ['node'],
      scope: { kind: 'global' },
    };
    const snap = snapshot({ inhibitRules: [rule], firingAlerts: [nodeDown] });
    const { decisions } = routeAlerts([alert({ alertname: 'PodNotReady', node: 'n1' }), alert({ alertname: 'PodNotReady', node: 'n2' })], snap, NOW);
    expect(decisions[0]!.receivers.every((r) => r.outcome === 'inhibited')).toBe(true);
    expect(decisions[0]!.receivers[0]!.detail).toContain(nodeDown.fingerprint);
    expect(decisions[1]!.receivers.every((r) => r.outcome === 'delivered')).toBe(true);
  });

  it("a tenant's inhibit rule uses only source alerts the tenant may see", () => {
    const rule: InhibitRule = {
      id: 'db-down',
      sourceMatchers: [{ name: 'alertname', value: 'DatabaseDown', isRegex: false, isEqual: true }],
      targetMatchers: [{ name: 'alertname', value: 'AppErrors', isRegex: false, isEqual: true }],
      equal: [],
      scope: { kind: 'tenant', tenantId: 'team-a' },
    };
    const hiddenSource = alert({ alertname: 'DatabaseDown', namespace: 'payments' });
    const visibleSource = alert({ alertname: 'DatabaseDown', namespace: 'shop' });
    const target = { alertname: 'AppErrors', namespace: 'shop' };
    expect(receiversOf(target, snapshot({ inhibitRules: [rule], firingAlerts: [hiddenSource] }))).toContain('team-a/a-slack');
    expect(receiversOf(target, snapshot({ inhibitRules: [rule], firingAlerts: [visibleSource] }))).toEqual(['ops', 'pager']);
  });
});

describe('routeAlerts: messages', () => {
  it('groups one batch into one message per receiver with its grouping', () => {
    const grouped = receiver('grouped', { grouping: { groupBy: ['alertname'], groupWaitMs: 1000 } });
    const { messages } = routeAlerts(
      [alert({ alertname: 'A' }), alert({ alertname: 'B' })],
      snapshot({ globalReceivers: [grouped], groupingDefaults: { repeatIntervalMs: 60_000 } }),
      NOW,
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]!.alerts).toHaveLength(2);
    expect(messages[0]!.grouping).toMatchObject({ groupBy: ['alertname'], groupWaitMs: 1000, repeatIntervalMs: 60_000 });
  });
});

describe('unreachedReceivers (explain)', () => {
  const unreached = (labels: Record<string, string>, overrides: Partial<RoutingSnapshot> = {}) => {
    const a = alert(labels);
    const shot = snapshot(overrides);
    const [decision] = routeAlerts([a], shot, NOW).decisions;
    return Object.fromEntries(unreachedReceivers(a, shot, decision!).map((r) => [r.receiver, r.detail]));
  };

  it("names the tenant that may not see the alert's namespace", () => {
    expect(unreached({ alertname: 'X', namespace: 'shop' })).toEqual({ 'team-b/b-hook': 'tenant team-b may not see namespace shop in cluster prod' });
  });

  it('says an alert without a namespace label reaches only global receivers', () => {
    expect(unreached({ alertname: 'X' })['team-a/a-slack']).toMatch(/no namespace label/);
  });

  it('says under RouterOnly that no router matches, or which routers matched and did not name the receiver', () => {
    expect(unreached({ alertname: 'X', namespace: 'shop' }, { policy: 'RouterOnly' }).ops).toBe('route policy RouterOnly: no router matches the alert');
    const critical = router('critical', { matchLabels: { severity: 'critical' } }, { receivers: ['pager'] });
    const reasons = unreached({ alertname: 'X', namespace: 'shop', severity: 'critical' }, { policy: 'RouterOnly', routers: [critical] });
    expect(reasons.ops).toBe('route policy RouterOnly: the routers that match (critical) do not name it');
    expect(reasons.pager).toBeUndefined();
  });
});

