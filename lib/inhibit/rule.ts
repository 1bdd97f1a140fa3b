import { fromApiMatcher } from '../matchers/api-matcher.js';
import type { ApiMatcher } from '../matchers/api-matcher.js';
import { InvalidMatcherError } from '../matchers/matcher.js';
import type { Matcher } from '../matchers/matcher.js';
import type { MuteScope } from '../silence/muter.js';

/**
 * An inhibit rule as stored, with Alertmanager's meaning: a firing alert
 * matching `sourceMatchers` mutes alerts matching `targetMatchers` that
 * carry the same values for every label in `equal`.
 */
export interface InhibitRule {
  id: string;
  /** ANDed; an empty list matches every alert, as in Alertmanager. */
  sourceMatchers: ApiMatcher[];
  targetMatchers: ApiMatcher[];
  equal: string[];
  scope: MuteScope;
}

/** One problem with an inhibit rule, `path` naming the field. */
export interface InhibitRuleIssue {
  path: string;
  message: string;
}

/** An inhibit rule that must not be stored; lists every problem found. */
export class InhibitRuleValidationError extends Error {
  readonly issues: InhibitRuleIssue[];

  constructor(issues: InhibitRuleIssue[]) {
    super(`invalid inhibit rule: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
    this.name = 'InhibitRuleValidationError';
    this.issues = issues;
  }
}

/** A validated rule with its matchers compiled. */
export interface CompiledInhibitRule {
  rule: InhibitRule;
  sourceMatchers: readonly Matcher[];
  targetMatchers: readonly Matcher[];
}

function compileList(list: unknown, path: string, issues: InhibitRuleIssue[]): Matcher[] {
  if (!Array.isArray(list)) {
    issues.push({ path, message: 'must be a list of matchers' });
    return [];
  }
  const matchers: Matcher[] = [];
  list.forEach((apiMatcher: ApiMatcher, index) => {
    try {
      matchers.push(fromApiMatcher(apiMatcher));
    } catch (error) {
      if (!(error instanceof InvalidMatcherError)) throw error;
      issues.push({ path: `${path}[${index}]`, message: error.message });
    }
  });
  return matchers;
}

/** Validates and compiles a rule; throws InhibitRuleValidationError listing every problem. */
export function compileInhibitRule(rule: InhibitRule): CompiledInhibitRule {
  const issues: InhibitRuleIssue[] = [];
  if (typeof rule.id !== 'string' || rule.id.length === 0) issues.push({ path: 'id', message: 'must not be empty' });
  const sourceMatchers = compileList(rule.sourceMatchers, 'sourceMatchers', issues);
  const targetMatchers = compileList(rule.targetMatchers, 'targetMatchers', issues);
  if (!Array.isArray(rule.equal)) {
    issues.push({ path: 'equal', message: 'must be a list of label names' });
  } else {
    rule.equal.forEach((name, index) => {
      if (typeof name !== 'string' || name.length === 0) {
        issues.push({ path: `equal[${index}]`, message: 'must be a non-empty label name' });
      }
    });
  }
  const scope = rule.scope as MuteScope | undefined;
  if (scope?.kind === 'tenant') {
    if (typeof scope.tenantId !== 'string' || scope.tenantId.length === 0) {
      issues.push({ path: 'scope.tenantId', message: 'must not be empty' });
    }
  } else if (scope?.kind !== 'global') {
    issues.push({ path: 'scope', message: "must be {kind: 'global'} or {kind: 'tenant', tenantId}" });
  }
  if (issues.length > 0) throw new InhibitRuleValidationError(issues);
  return { rule, sourceMatchers, targetMatchers };
}

/** Checks a rule before it is stored; throws InhibitRuleValidationError. */
export function validateInhibitRule(rule: InhibitRule): void {
  compileInhibitRule(rule);
}
