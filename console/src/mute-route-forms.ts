import { linesOf, matcherLines, namesOf } from './matcher-text.js';
import { selectorBodyOf, selectorFormOf, type SelectorForm } from './selector-form.js';
import type { InhibitRule, RouterView } from './types.js';

/**
 * Inhibit rules and routers as their forms hold them (text as typed) and as
 * the API takes them. Matchers are sent as the lines typed, so the API parses
 * them and names the line it refuses (`sourceMatchers[1]`).
 */

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

export interface RouterForm extends SelectorForm {
  name: string;
  enabled: boolean;
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
    ...selectorFormOf(router?.selector),
    receivers: (router?.target.receivers ?? []).join(', '),
    receiverPattern: router?.target.receiverPattern ?? '',
    channels: (router?.target.channels ?? []).join(', '),
    tenants: (router?.target.tenants ?? []).join(', '),
  };
}

/** The body of a router's PUT; an empty selector part or target field is left out (the API wants at least one target). */
export function routerBodyOf(form: RouterForm) {
  const lists = { receivers: namesOf(form.receivers), channels: namesOf(form.channels), tenants: namesOf(form.tenants) };
  const target = {
    ...Object.fromEntries(Object.entries(lists).filter(([, names]) => names.length > 0)),
    ...(form.receiverPattern.trim() === '' ? {} : { receiverPattern: form.receiverPattern.trim() }),
  };
  return { enabled: form.enabled, selector: selectorBodyOf(form), target };
}
