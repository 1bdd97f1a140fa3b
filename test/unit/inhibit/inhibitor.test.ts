import { describe, expect, it } from 'vitest';
import { Inhibitor, inhibitedBy, isFiring } from '../../../lib/inhibit/inhibitor.js';
import { combineMuters } from '../../../lib/silence/muter.js';
import { createSilenceMuter } from '../../../lib/silence/silencer.js';
import { aSilence } from '../silence/builders.js';
import { anAlert, anInhibitRule, eq, re } from './builders.js';

const now = new Date('2026-03-01T12:00:00Z');

const nodeDown = anAlert({ alertname: 'NodeDown', severity: 'critical', node: 'node-1' });
const podOnNode1 = anAlert({ alertname: 'PodNotReady', severity: 'warning', node: 'node-1', pod: 'cart-1' });
const podOnNode2 = anAlert({ alertname: 'PodNotReady', severity: 'warning', node: 'node-2', pod: 'cart-2' });

describe('inhibitedBy', () => {
  it('mutes a target that shares the equal labels with a firing source, naming source and rule', () => {
    const rule = anInhibitRule();
    expect(inhibitedBy(podOnNode1, [nodeDown], [rule], now)).toEqual({
      rule,
      sourceFingerprint: nodeDown.fingerprint,
    });
  });

  it('does not mute a target whose equal labels differ', () => {
    expect(inhibitedBy(podOnNode2, [nodeDown], [anInhibitRule()], now)).toBeUndefined();
  });

  it('does not mute an alert the target matchers reject', () => {
    const info = anAlert({ alertname: 'PodNotReady', severity: 'info', node: 'node-1' });
    expect(inhibitedBy(info, [nodeDown], [anInhibitRule()], now)).toBeUndefined();
  });

  it('counts only firing sources: not resolved ones, nor ones whose end time has passed', () => {
    const resolved = anAlert(nodeDown.labels, { status: 'resolved', endsAt: '2026-03-01T11:00:00Z' });
    const lapsed = anAlert(nodeDown.labels, { endsAt: '2026-03-01T11:59:59Z' });
    const stillFiring = anAlert(nodeDown.labels, { endsAt: '2026-03-01T12:05:00Z' });
    const rules = [anInhibitRule()];
    expect(inhibitedBy(podOnNode1, [resolved], rules, now)).toBeUndefined();
    expect(inhibitedBy(podOnNode1, [lapsed], rules, now)).toBeUndefined();
    expect(inhibitedBy(podOnNode1, [stillFiring], rules, now)?.sourceFingerprint).toBe(stillFiring.fingerprint);
  });

  it('treats an equal label missing on both sides as equal, and missing on one side as different', () => {
    const rule = anInhibitRule({ equal: ['node', 'zone'] });
    expect(inhibitedBy(podOnNode1, [nodeDown], [rule], now)).toBeDefined();
    const zonedSource = anAlert({ ...nodeDown.labels, zone: 'a' });
    expect(inhibitedBy(podOnNode1, [zonedSource], [rule], now)).toBeUndefined();
  });

  it('inhibits everything the target side matches when equal is empty', () => {
    const rule = anInhibitRule({ equal: [] });
    expect(inhibitedBy(podOnNode2, [nodeDown], [rule], now)?.sourceFingerprint).toBe(nodeDown.fingerprint);
  });

  it('never lets an alert inhibit itself', () => {
    const rule = anInhibitRule({ sourceMatchers: [eq('alertname', 'PodNotReady')], targetMatchers: [re('pod', '.+')] });
    expect(inhibitedBy(podOnNode1, [podOnNode1], [rule], now)).toBeUndefined();
  });

  it('ignores sources that match both sides when the target matches both sides, as Alertmanager does', () => {
    // Both alerts are critical database alerts: each matches source and target.
    const rule = anInhibitRule({
      sourceMatchers: [eq('severity', 'critical')],
      targetMatchers: [eq('team', 'db')],
      equal: ['cluster'],
    });
    const primaryDown = anAlert({ alertname: 'PostgresDown', severity: 'critical', team: 'db', cluster: 'c1' });
    const replicaDown = anAlert({ alertname: 'ReplicaDown', severity: 'critical', team: 'db', cluster: 'c1' });
    expect(inhibitedBy(primaryDown, [primaryDown, replicaDown], [rule], now)).toBeUndefined();
    expect(inhibitedBy(replicaDown, [primaryDown, replicaDown], [rule], now)).toBeUndefined();
    // A critical alert of another team matches only the source side, so it does inhibit.
    const networkDown = anAlert({ alertname: 'NetworkDown', severity: 'critical', team: 'net', cluster: 'c1' });
    expect(inhibitedBy(primaryDown, [primaryDown, networkDown], [rule], now)?.sourceFingerprint).toBe(
      networkDown.fingerprint,
    );
    // A target that matches only the target side may be inhibited by a two-sided source.
    const slowQueries = anAlert({ alertname: 'SlowQueries', severity: 'warning', team: 'db', cluster: 'c1' });
    expect(inhibitedBy(slowQueries, [primaryDown], [rule], now)?.sourceFingerprint).toBe(primaryDown.fingerprint);
  });

  it('reports the first rule, in the order given, that inhibits', () => {
    const byNode = anInhibitRule({ id: 'by-node' });
    const byAlertname = anInhibitRule({ id: 'by-cluster', equal: [] });
    expect(inhibitedBy(podOnNode1, [nodeDown], [byAlertname, byNode], now)?.rule.id).toBe('by-cluster');
    expect(inhibitedBy(podOnNode1, [nodeDown], [byNode, byAlertname], now)?.rule.id).toBe('by-node');
  });
});

describe('isFiring', () => {
  it('is true for a firing alert with no end or an end still ahead', () => {
    expect(isFiring(nodeDown, now)).toBe(true);
    expect(isFiring(anAlert(nodeDown.labels, { endsAt: '2026-03-01T12:00:01Z' }), now)).toBe(true);
    expect(isFiring(anAlert(nodeDown.labels, { endsAt: '2026-03-01T12:00:00Z' }), now)).toBe(false);
    expect(isFiring(anAlert(nodeDown.labels, { status: 'resolved' }), now)).toBe(false);
  });
});

describe('Inhibitor', () => {
  it("applies a tenant rule to that tenant's receivers only", () => {
    const rule = anInhibitRule({ scope: { kind: 'tenant', tenantId: 'shop-team' } });
    const forShop = new Inhibitor([rule], [nodeDown], { audience: { kind: 'tenant', tenantId: 'shop-team' } });
    const forOthers = new Inhibitor([rule], [nodeDown], { audience: { kind: 'tenant', tenantId: 'payments' } });
    expect(forShop.inhibitedBy(podOnNode1, now)).toBeDefined();
    expect(forOthers.inhibitedBy(podOnNode1, now)).toBeUndefined();
  });

  it('is a muter whose reason names the rule and the inhibiting alert', () => {
    const inhibitor = new Inhibitor([anInhibitRule()], [nodeDown]);
    expect(inhibitor.mutes(podOnNode1, now)).toEqual({
      kind: 'inhibition',
      ruleId: 'critical-mutes-warning',
      sourceFingerprint: nodeDown.fingerprint,
    });
  });

  it('lets source alerts that lapse stop inhibiting without rebuilding the index', () => {
    const lapsing = anAlert(nodeDown.labels, { endsAt: '2026-03-01T12:30:00Z' });
    const inhibitor = new Inhibitor([anInhibitRule()], [lapsing]);
    expect(inhibitor.inhibitedBy(podOnNode1, now)).toBeDefined();
    expect(inhibitor.inhibitedBy(podOnNode1, new Date('2026-03-01T12:30:00Z'))).toBeUndefined();
  });

  it('decides quickly with many firing alerts, since each check is a key lookup per rule', () => {
    const firing = Array.from({ length: 50_000 }, (_, i) =>
      anAlert({ alertname: 'NodeDown', severity: 'critical', node: `node-${i}` }, { fingerprint: `fp-${i}` }),
    );
    const inhibitor = new Inhibitor([anInhibitRule()], firing);
    const targets = Array.from({ length: 20_000 }, (_, i) => ({
      labels: { alertname: 'PodNotReady', severity: 'warning', node: `node-${i * 3}`, pod: `p-${i}` },
      fingerprint: `target-${i}`,
    }));
    const started = performance.now();
    const inhibited = targets.filter((target) => inhibitor.inhibitedBy(target, now) !== undefined).length;
    const elapsed = performance.now() - started;
    expect(inhibited).toBe(Math.ceil(50_000 / 3));
    expect(elapsed).toBeLessThan(2_000);
  });

  it('fails when built from an invalid rule', () => {
    expect(() => new Inhibitor([anInhibitRule({ equal: [''] })], [])).toThrow(
      /equal\[0\]: must be a non-empty label name/,
    );
  });
});

describe('muters combined', () => {
  it('reports the first reason: a silence before an inhibition when listed first', () => {
    const silence = aSilence({ id: 'quiet-pods', matchers: [eq('alertname', 'PodNotReady')] });
    const muter = combineMuters([createSilenceMuter([silence]), new Inhibitor([anInhibitRule()], [nodeDown])]);
    expect(muter.mutes(podOnNode1, now)).toEqual({ kind: 'silence', silenceIds: ['quiet-pods'] });
    const onlyInhibited = anAlert({ ...podOnNode1.labels, alertname: 'PodPending' });
    expect(muter.mutes(onlyInhibited, now)).toMatchObject({ kind: 'inhibition', ruleId: 'critical-mutes-warning' });
    expect(muter.mutes(anAlert({ ...podOnNode2.labels, alertname: 'PodPending' }), now)).toBeUndefined();
  });
});
