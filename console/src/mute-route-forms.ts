import { linesOf, matcherText, namesOf } from './matcher-text.js';
import { type PairRow, pairRowsOf, pairsOf } from './pairs.js';
import type { InhibitRule, Matcher, RouterView } from './types.js';

/**
 * Inhibit rules and routers as their forms hold them (text as typed) and as
 * the API takes them. Matchers are sent as the lines typed, so the API parses
 * them and names the line it refuses (`sourceMatchers[1]`).
 */

const matcherLines = (matchers: ReadonlyArray<string | Matcher> | undefined): string => (matchers ?? []).map((m) => (typeof m === 'string' ? m : matcherText(m))).join('\n');

export interface InhibitRuleForm {
  id: string;
  /** One matcher per line. */
  source: string;
  target: string;
  /** Comma-separated label names. */
  equal: string;
}

export function inhibitRuleFormOf(rule: InhibitRule | undefined): InhibitRuleForm {
  return { id: rule?.id ?? '', source: matcherLines(rule?.sourceMatchers), target: matcherLines(rule?.targetMatchers), equal: (rule?.equal ?? []).join(', ') };
}

export const inhibitRuleBodyOf = (form: InhibitRuleForm) => ({ sourceMatchers: linesOf(form.source), targetMatchers: linesOf(form.target), equal: namesOf(form.equal) });

/**
 * The rule group whose severity levels wrote this inhibit rule (its id is
 * `metric.<level>.<group>.<rule>.<severity>`); the group's next save rewrites it,
 * so the console leaves it to the group's form.
 */
export function ruleGroupOf(rule: InhibitRule): string | undefined {
  if (!rule.id.startsWith('metric.')) return undefined;
  return rule.sourceMatchers.find((m) => m.name === 'rule_group' && !m.isRegex && m.isEqual !== false)?.value;
}

type Expression = NonNullable<RouterView['selector']['matchExpressions']>[number];
export const EXPRESSION_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

/** A Kubernetes label selector requirement as a row: `values` comma-separated (none for Exists and DoesNotExist). */
export interface ExpressionRow {
  key: string;
  operator: Expression['operator'];
  values: string;
}

export interface RouterForm {
  name: string;
  enabled: boolean;
  /** Alertmanager matchers over the alert's labels, one per line. */
  matchers: string;
  /** A Kubernetes label selector: labels that must be equal, and set-based requirements. */
  matchLabels: PairRow[];
  matchExpressions: ExpressionRow[];
  /** Comma-separated: `name` (global) or `tenant/name`. */
  receivers: string;
  receiverPattern: string;
  /** Comma-separated channel types. */
  channels: string;
  /** Comma-separated tenant names. */
  tenants: string;
}

export function routerFormOf(router: RouterView | undefined): RouterForm {
  return {
    name: router?.name ?? '',
    enabled: router?.enabled ?? true,
    matchers: matcherLines(router?.selector.matchers),
    matchLabels: pairRowsOf(router?.selector.matchLabels),
    matchExpressions: (router?.selector.matchExpressions ?? []).map((e) => ({ key: e.key, operator: e.operator, values: (e.values ?? []).join(', ') })),
    receivers: (router?.target.receivers ?? []).join(', '),
    receiverPattern: router?.target.receiverPattern ?? '',
    channels: (router?.target.channels ?? []).join(', '),
    tenants: (router?.target.tenants ?? []).join(', '),
  };
}

/** The body of a router's PUT; an empty selector part or target field is left out (the API wants at least one target). */
export function routerBodyOf(form: RouterForm) {
  const matchers = linesOf(form.matchers);
  const matchLabels = pairsOf(form.matchLabels);
  // Values typed for Exists or DoesNotExist are sent, so the API says they must be empty.
  const matchExpressions = form.matchExpressions.map((row): Expression => {
    const values = namesOf(row.values);
    return { key: row.key.trim(), operator: row.operator, ...(values.length === 0 && (row.operator === 'Exists' || row.operator === 'DoesNotExist') ? {} : { values }) };
  });
  const lists = { receivers: namesOf(form.receivers), channels: namesOf(form.channels), tenants: namesOf(form.tenants) };
  const target = {
    ...Object.fromEntries(Object.entries(lists).filter(([, names]) => names.length > 0)),
    ...(form.receiverPattern.trim() === '' ? {} : { receiverPattern: form.receiverPattern.trim() }),
  };
  const selector = {
    ...(Object.keys(matchLabels).length === 0 ? {} : { matchLabels }),
    ...(matchExpressions.length === 0 ? {} : { matchExpressions }),
    ...(matchers.length === 0 ? {} : { matchers }),
  };
  return { enabled: form.enabled, selector, target };
}
