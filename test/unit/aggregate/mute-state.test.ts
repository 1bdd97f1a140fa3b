import { describe, expect, it } from 'vitest';
import { batchMuters, ownerMuter, type MuteState } from '../../../lib/aggregate/mute-state.js';
import type { InhibitRule } from '../../../lib/inhibit/rule.js';
import type { Silence } from '../../../lib/silence/silence.js';

const NOW = new Date('2026-12-01T10:00:00Z');
const rule = (scope: InhibitRule['scope']): InhibitRule => ({
  id: 'node-down',
  scope,
  sourceMatchers: [{ name: 'alertname', value: 'NodeDown', isRegex: false, isEqual: true }],
  targetMatchers: [{ name: 'alertname', value: 'PodDown', isRegex: false, isEqual: true }],
  equal: ['node'],
});
const silence: Silence = {
  id: 's1',
  scope: { kind: 'global' },
  matchers: [{ name: 'alertname', value: 'PodDown', isRegex: false, isEqual: true }],
  startsAt: '2026-12-01T09:00:00Z',
  endsAt: '2026-12-01T11:00:00Z',
  createdBy: 'ops',
  comment: 'maintenance',
};
const source = { labels: { alertname: 'NodeDown', node: 'n1', namespace: 'shop', cluster: 'c' }, fingerprint: 'src', status: 'firing' as const, endsAt: '0001-01-01T00:00:00Z' };
const target = { labels: { alertname: 'PodDown', node: 'n1', namespace: 'shop', cluster: 'c' }, fingerprint: 'tgt' };

describe('ownerMuter', () => {
  it('reports inhibition before silences, as Alertmanager\'s pipeline runs them', () => {
    const state: MuteState = { silences: [silence], inhibitRules: [rule({ kind: 'global' })], firingAlerts: [source] };

    expect(ownerMuter(state, { kind: 'global' }).mutes(target, NOW)).toEqual({ kind: 'inhibition', ruleId: 'node-down', sourceFingerprint: 'src' });
  });

  it("lets a tenant's inhibit rule use only sources that tenant may see", () => {
    const tenantRule = rule({ kind: 'tenant', tenantId: 'team-a' });
    const hidden: MuteState = { silences: [], inhibitRules: [tenantRule], firingAlerts: [{ ...source, tenants: ['team-b'] }] };
    const visible: MuteState = { silences: [], inhibitRules: [tenantRule], firingAlerts: [{ ...source, tenants: ['team-a'] }] };

    expect(ownerMuter(hidden, { kind: 'tenant', tenantId: 'team-a' }).mutes(target, NOW)).toBeUndefined();
    expect(ownerMuter(visible, { kind: 'tenant', tenantId: 'team-a' }).mutes(target, NOW)?.kind).toBe('inhibition');
  });
});

describe('batchMuters', () => {
  it("reads an account's mute state once per batch, and the firing set only when the account has inhibit rules", async () => {
    const reads: string[] = [];
    const source = {
      silences: async (a: string) => (reads.push(`silences:${a}`), [silence]),
      inhibitRules: async (a: string) => (reads.push(`inhibit:${a}`), []),
      firingAlerts: async (a: string) => (reads.push(`firing:${a}`), []),
    };
    const muterFor = batchMuters(source);

    await muterFor({ accountId: 'acme', name: 'pager' });
    const muter = await muterFor({ accountId: 'acme', tenantId: 'team-a', name: 'chat' });

    expect(reads).toEqual(['silences:acme', 'inhibit:acme']);
    expect(muter.mutes(target, NOW)).toEqual({ kind: 'silence', silenceIds: ['s1'] });
  });
});
