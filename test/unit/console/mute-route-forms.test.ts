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
  it('writes a body the API takes, leaving out empty selector parts and targets, and reads it back as typed', () => {
    const form = {
      name: 'critical',
      enabled: false,
      matchers: 'severity="critical"\nnamespace=~"kube-.*"',
      matchLabels: [['team', 'core']] as [string, string][],
      matchExpressions: [
        { key: 'env', operator: 'In' as const, values: 'prod, staging' },
        { key: 'canary', operator: 'DoesNotExist' as const, values: '' },
      ],
      receivers: 'pager, team-a/slack',
      receiverPattern: '',
      channels: '',
      tenants: 'team-b',
    };

    const body = routerBodySchema.parse(routerBodyOf({ ...form, channels: ' , ' }));
    const stored: RouterView = { name: 'critical', ...body, ...stamps };

    expect(body).toEqual({
      enabled: false,
      selector: {
        matchLabels: { team: 'core' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'staging'] },
          { key: 'canary', operator: 'DoesNotExist' },
        ],
        matchers: ['severity="critical"', 'namespace=~"kube-.*"'],
      },
      target: { receivers: ['pager', 'team-a/slack'], tenants: ['team-b'] },
    });
    expect(routerFormOf(stored)).toEqual(form);
  });

  it('sends an empty target as empty, so the API says to name one, and values typed for Exists, so it says they must be empty', () => {
    const empty = routerFormOf(undefined);
    const parsed = routerBodySchema.safeParse(routerBodyOf(empty));
    const exists = routerBodyOf({ ...empty, matchExpressions: [{ key: 'namespace', operator: 'Exists', values: 'shop' }] });

    expect(parsed.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([['target', 'name receivers, a pattern, channels or tenants']]);
    expect(routerBodyOf(empty).selector).toEqual({});
    expect(exists.selector.matchExpressions).toEqual([{ key: 'namespace', operator: 'Exists', values: ['shop'] }]);
  });
});
