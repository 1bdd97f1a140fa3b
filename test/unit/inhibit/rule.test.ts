import { describe, expect, it } from 'vitest';
import { InhibitRuleValidationError, validateInhibitRule } from '../../../lib/inhibit/rule.js';
import type { InhibitRule } from '../../../lib/inhibit/rule.js';
import { anInhibitRule, re } from './builders.js';

function issuePaths(rule: InhibitRule): string[] {
  try {
    validateInhibitRule(rule);
  } catch (error) {
    if (error instanceof InhibitRuleValidationError) return error.issues.map((issue) => issue.path);
    throw error;
  }
  return [];
}

describe('validateInhibitRule', () => {
  it('accepts a well-formed rule, including empty matcher lists as Alertmanager does', () => {
    expect(issuePaths(anInhibitRule())).toEqual([]);
    expect(issuePaths(anInhibitRule({ sourceMatchers: [] }))).toEqual([]);
  });

  it('lists every problem with its path', () => {
    const rule = anInhibitRule({
      id: '',
      sourceMatchers: [re('job', '(')],
      equal: ['node', ''],
      scope: { kind: 'tenant', tenantId: '' },
    });
    expect(issuePaths(rule)).toEqual(['id', 'sourceMatchers[0]', 'equal[1]', 'scope.tenantId']);
  });

  it('throws an error named InhibitRuleValidationError', () => {
    expect(() => validateInhibitRule(anInhibitRule({ id: '' }))).toThrow(InhibitRuleValidationError);
    try {
      validateInhibitRule(anInhibitRule({ id: '' }));
    } catch (error) {
      expect((error as Error).name).toBe('InhibitRuleValidationError');
      expect((error as Error).message).toBe('invalid inhibit rule: id: must not be empty');
    }
  });
});
