import { describe, expect, it } from 'vitest';
import { EMPTY_EVENT_RULE, eventRuleBodyOf, eventRuleFormOf } from '../../../console/src/event-rule-form.js';
import { ruleBodySchema } from '../../../lib/api/rules-api.js';
import type { RuleView } from '../../../console/src/types.js';

/** The rule the API would store from a body, as it shows it. */
function storedFrom(name: string, body: Record<string, unknown>): RuleView {
  return { name, owner: { type: 'tenant', tenantId: 'team-a' }, ...ruleBodySchema.parse(body), accountId: 'acme', createdAt: '2026-12-01T00:00:00Z', updatedAt: '2026-12-01T00:00:00Z', version: 1 };
}

describe("an event or audit rule as the console's form holds it", () => {
  it.each([
    { level: 'cluster', cluster: '' },
    { level: 'cluster', cluster: 'prod-eu' },
    { level: 'workspace', workspace: 'storefront', cluster: '' },
    { level: 'namespace', namespace: 'shop', cluster: 'prod-eu' },
  ] as const)('writes a body the API takes for a $level scope and reads it back as typed', (scope) => {
    const form = { ...EMPTY_EVENT_RULE, ...scope, name: 'mounts', condition: 'reason = "FailedMount"', resolveAfterSeconds: '3600', labels: [['team', 'storage']] as [string, string][], annotations: [['summary', '{{involvedObject.name}}']] as [string, string][] };

    expect(eventRuleFormOf(storedFrom('mounts', eventRuleBodyOf(form)))).toEqual(form);
  });

  it('leaves resolveAfterSeconds out when empty, and sends text it cannot read as typed, so the API names the field', () => {
    const empty = eventRuleBodyOf({ ...EMPTY_EVENT_RULE, condition: 'reason = "X"' });
    const parsed = ruleBodySchema.safeParse(eventRuleBodyOf({ ...EMPTY_EVENT_RULE, condition: 'reason = "X"', resolveAfterSeconds: 'an hour' }));

    expect(empty).not.toHaveProperty('resolveAfterSeconds');
    expect(empty.scope).toEqual({ level: 'cluster' });
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['resolveAfterSeconds']);
  });
});
