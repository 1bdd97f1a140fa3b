/**
 * kubernetes-event-exporter routes expressed as rules. An exporter rule is
 * a set of fields ANDed together, each an unanchored RE2 regex (empty means
 * any); a route sends an event when every `match` rule holds and no `drop`
 * rule does. Unlike the exporter, unknown keys and invalid regexes are
 * rejected instead of silently matching everything or nothing.
 */
import { cond, NO_POSITION, type ConditionNode, type FieldPath, type Literal, type Predicate } from './ast.js';
import { RuleValidationError } from './errors.js';
import { formatCondition } from './format.js';
import { compileRegex, PatternError } from './patterns.js';
import type { RuleSpec } from './rule.js';

/** One exporter `match` or `drop` entry. */
export interface ExporterRule {
  type?: string;
  kind?: string;
  apiVersion?: string;
  /** The Event object's own namespace (`metadata.namespace`), as the exporter compares it. */
  namespace?: string;
  reason?: string;
  message?: string;
  component?: string;
  host?: string;
  labels?: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
  minCount?: number;
}

/** An exporter route (without receivers or sub-routes). */
export interface ExporterRoute {
  match?: readonly ExporterRule[];
  drop?: readonly ExporterRule[];
}

/** Conversion options. */
export interface ExporterOptions {
  /**
   * false (default): each field is an unanchored regex search, as in the
   * exporter. true: each field must match the whole value, so plain values
   * become `=` and `a|b|c` of plain values becomes `in (...)`, which the rule
   * index can use.
   */
  anchored?: boolean;
}

const FIELD_PATHS: Record<string, string[]> = {
  type: ['type'],
  kind: ['involvedObject', 'kind'],
  apiVersion: ['involvedObject', 'apiVersion'],
  namespace: ['metadata', 'namespace'],
  reason: ['reason'],
  message: ['message'],
  component: ['source', 'component'],
  host: ['source', 'host'],
};
const KNOWN_KEYS = new Set([...Object.keys(FIELD_PATHS), 'labels', 'annotations', 'minCount', 'mincount', 'receiver']);
const PLAIN = /^[A-Za-z0-9_\-/: ]+$/;

function path(...keys: string[]): FieldPath {
  return { type: 'path', segments: keys.map((key) => ({ type: 'key', key })) };
}

function predicate(field: FieldPath, op: Predicate['op'], value?: Literal, values?: readonly string[]): Predicate {
  return {
    type: 'predicate',
    field,
    op,
    negated: false,
    position: NO_POSITION,
    ...(value === undefined ? {} : { value }),
    ...(values === undefined ? {} : { list: values.map((v) => ({ type: 'literal' as const, value: v })) }),
  };
}

function patternPredicate(field: FieldPath, pattern: string, anchored: boolean, where: string): Predicate {
  try {
    compileRegex(pattern);
  } catch (error) {
    if (error instanceof PatternError) throw new RuleValidationError(`${where}: ${error.message}`, { field: where, cause: error });
    throw error;
  }
  if (anchored) {
    const alternatives = pattern.split('|');
    if (alternatives.every((alternative) => PLAIN.test(alternative))) {
      return alternatives.length === 1 ? predicate(field, 'eq', pattern) : predicate(field, 'in', undefined, alternatives);
    }
    return predicate(field, 'regex', pattern);
  }
  if (PLAIN.test(pattern)) return predicate(field, 'contains', pattern);
  return predicate(field, 'regex', `.*(?:${pattern}).*`);
}

/** The condition one exporter rule stands for; an empty rule is `true`. */
export function exporterRuleToCondition(rule: ExporterRule, options: ExporterOptions = {}, where = 'rule'): ConditionNode {
  const anchored = options.anchored ?? false;
  for (const key of Object.keys(rule)) {
    if (!KNOWN_KEYS.has(key)) throw new RuleValidationError(`${where}: unknown key "${key}"`, { field: `${where}.${key}` });
  }
  const parts: ConditionNode[] = [];
  for (const [key, keys] of Object.entries(FIELD_PATHS)) {
    const pattern = (rule as Record<string, unknown>)[key];
    if (pattern === undefined || pattern === '') continue;
    if (typeof pattern !== 'string') throw new RuleValidationError(`${where}.${key} must be a string`, { field: `${where}.${key}` });
    parts.push(patternPredicate(path(...keys), pattern, anchored, `${where}.${key}`));
  }
  for (const map of ['labels', 'annotations'] as const) {
    for (const [name, pattern] of Object.entries(rule[map] ?? {})) {
      // The key must exist (a positive predicate is false on a missing field); an empty pattern only asks for that.
      const field = path('involvedObject', map, name);
      parts.push(pattern === '' ? predicate(field, 'exists') : patternPredicate(field, pattern, anchored, `${where}.${map}.${name}`));
    }
  }
  const minCount = rule.minCount ?? (rule as { mincount?: number }).mincount;
  if (minCount !== undefined) {
    if (!Number.isFinite(minCount)) throw new RuleValidationError(`${where}.minCount must be a number`, { field: `${where}.minCount` });
    if (minCount > 0) parts.push(predicate(path('count'), 'ge', minCount));
  }
  return parts.length === 0 ? cond.const(true) : cond.and(...parts);
}

/** The condition of a route: every match rule holds and no drop rule does. */
export function exporterRouteToCondition(route: ExporterRoute, options: ExporterOptions = {}): ConditionNode {
  const match = (route.match ?? []).map((rule, i) => exporterRuleToCondition(rule, options, `match[${i}]`));
  const drop = (route.drop ?? []).map((rule, i) => exporterRuleToCondition(rule, options, `drop[${i}]`));
  const parts = match.filter((node) => !(node.type === 'const' && node.value));
  if (drop.length > 0) parts.push(cond.not(cond.or(...drop)));
  return parts.length === 0 ? cond.const(true) : cond.and(...parts.flatMap((node) => (node.type === 'and' ? [...node.children] : [node])));
}

/** Everything of a rule but what the route decides. */
export type ExporterRuleBase = Omit<RuleSpec, 'condition' | 'kind' | 'signal'>;

/** An alert rule raising an alert for every event the route would send. */
export function exporterRouteToRule(route: ExporterRoute, base: ExporterRuleBase, options: ExporterOptions = {}): RuleSpec {
  return { ...base, signal: 'event', kind: 'alert', condition: formatCondition(exporterRouteToCondition(route, options)) };
}

/** Drop rules discarding what a top-level `drop` list discards, before any alert rule runs. */
export function exporterDropsToRules(drops: readonly ExporterRule[], base: ExporterRuleBase, options: ExporterOptions = {}): RuleSpec[] {
  return drops.map((rule, i) => ({
    ...base,
    name: drops.length === 1 ? base.name : `${base.name}-${i + 1}`,
    signal: 'event',
    kind: 'drop',
    condition: formatCondition(exporterRuleToCondition(rule, options, `drop[${i}]`)),
  }));
}
