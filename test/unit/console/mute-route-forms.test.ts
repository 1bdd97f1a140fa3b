import { describe, expect, it } from 'vitest';
import { inhibitRuleBodyOf, inhibitRuleFormOf, routerBodyOf, routerFormOf, ruleGroupOf } from '../../../console/src/mute-route-forms.js';
import { inhibitRuleBodySchema, routerBodySchema } from '../../../lib/api/admin-schemas.js';
import { normalizeMatchers } from '../../../lib/api/silences-api.js';
import type { InhibitRule, RouterView } from '../../../console/src/types.js';

const stamps = { accountId: 'acme', createdAt: '2026-12-01T00:00:00.000Z', updatedAt: '2026-12-01T00:00:00.000Z', version: 3 };

describe("an inhibit rule as the console's form holds it", () => {
  it('writes a body the API takes, whose matchers read back as typed', () => {
    const form = { id: 'node-down', source: ' alertname="NodeDown"\n\nseverity="critical"', target: 'severity=~"warning|info"\nalertname!="NodeDown"', equal: 'cluster, node,' };

    const body = inhibitRuleBodySchema.parse(inhibitRuleBodyOf(form));
    const stored: InhibitRule = { id: 'node-down', sourceMatchers: normalizeMatchers(body.sourceMatchers), targetMatchers: normalizeMatchers(body.targetMatchers), equal: body.equal, scope: { kind: 'global' }, ...stamps };

    expect(body).toEqual({ sourceMatchers: ['alertname="NodeDown"', 'severity="critical"'], targetMatchers: ['severity=~"warning|info"', 'alertname!="NodeDown"'], equal: ['cluster', 'node'] });
    expect(inhibitRuleFormOf(stored)).toEqual({ id: 'node-down', source: 'alertname="NodeDown"\nseverity="critical"', target: 'severity=~"warning|info"\nalertname!="NodeDown"', equal: 'cluster, node' });
  });

  it("tells the ones a rule group's levels wrote from the others", () => {
    const rule = (id: string, group?: string): InhibitRule => ({
      id,
      sourceMatchers: group === undefined ? [] : [{ name: 'rule_group', value: group, isRegex: false, isEqual: true }],
      targetMatchers: [],
      equal: [],
      scope: { kind: 'tenant', tenantId: 'team-a' },
      ...stamps,
    });

    expect(ruleGroupOf(rule('metric.namespace.restarts.0.critical', 'restarts'))).toBe('restarts');
    expect(ruleGroupOf(rule('node-down'))).toBeUndefined();
    expect(ruleGroupOf(rule('node-down', 'restarts'))).toBeUndefined();
  });
});

describe("a router as the console's form holds it", () => {
  it('writes a body the API takes, leaving out empty targets and keeping the selector parts the form does not edit', () => {
    const loaded: RouterView = {
      name: 'critical',
      enabled: true,
      selector: { matchLabels: { team: 'core' }, matchers: ['severity="critical"'] },
      target: { receivers: ['pager'] },
      ...stamps,
    };
    const form = { ...routerFormOf(loaded), matchers: 'severity="critical"\nnamespace=~"kube-.*"', receivers: 'pager, team-a/slack', channels: ' ', tenants: 'team-b' };

    const body = routerBodySchema.parse(routerBodyOf(form, loaded));

    expect(body).toEqual({
      enabled: true,
      selector: { matchLabels: { team: 'core' }, matchers: ['severity="critical"', 'namespace=~"kube-.*"'] },
      target: { receivers: ['pager', 'team-a/slack'], tenants: ['team-b'] },
    });
    expect(routerFormOf({ ...loaded, ...body } as RouterView)).toMatchObject({ matchers: 'severity="critical"\nnamespace=~"kube-.*"', receivers: 'pager, team-a/slack', receiverPattern: '', channels: '', tenants: 'team-b' });
  });

  it('sends an empty target as empty, so the API says to name one', () => {
    const parsed = routerBodySchema.safeParse(routerBodyOf(routerFormOf(undefined), undefined));

    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([['target', 'name receivers, a pattern, channels or tenants']]);
  });
});
