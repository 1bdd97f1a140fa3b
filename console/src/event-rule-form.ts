import { type PairRow, pairRowsOf, pairsOf } from './pairs.js';
import type { RuleView } from './types.js';

/**
 * An event or audit rule as its form holds it (text as typed) and as the API
 * takes it. A number the form cannot read is sent as typed, so the API's
 * message says what is wrong next to the field.
 */
export const SCOPE_LEVELS = ['cluster', 'workspace', 'namespace'] as const;
export type ScopeLevel = (typeof SCOPE_LEVELS)[number];

export interface EventRuleForm {
  name: string;
  signal: 'event' | 'audit';
  kind: 'alert' | 'drop';
  severity: string;
  condition: string;
  /** Where it applies: every namespace the owner sees, a workspace's, or one namespace; `cluster` pins any of them to one cluster. */
  level: ScopeLevel;
  workspace: string;
  namespace: string;
  cluster: string;
  resolveAfterSeconds: string;
  enabled: boolean;
  labels: PairRow[];
  annotations: PairRow[];
}

export const EMPTY_EVENT_RULE: EventRuleForm = {
  name: '',
  signal: 'event',
  kind: 'alert',
  severity: 'warning',
  condition: '',
  level: 'cluster',
  workspace: '',
  namespace: '',
  cluster: '',
  resolveAfterSeconds: '',
  enabled: true,
  labels: [],
  annotations: [],
};

export function eventRuleFormOf(rule: RuleView): EventRuleForm {
  const { scope } = rule;
  return {
    name: rule.name,
    signal: rule.signal,
    kind: rule.kind,
    severity: rule.severity,
    condition: rule.condition,
    level: scope.level,
    workspace: scope.level === 'workspace' ? scope.workspace : '',
    namespace: scope.level === 'namespace' ? scope.namespace : '',
    cluster: scope.cluster ?? '',
    resolveAfterSeconds: rule.resolveAfterSeconds === undefined ? '' : String(rule.resolveAfterSeconds),
    enabled: rule.enabled,
    labels: pairRowsOf(rule.labels),
    annotations: pairRowsOf(rule.annotations),
  };
}

const numberOrText = (text: string): number | string => (Number.isFinite(Number(text)) ? Number(text) : text);

/** The body of PUT {base}/rules/{name}. */
export function eventRuleBodyOf(form: EventRuleForm): Record<string, unknown> {
  const cluster = form.cluster.trim() === '' ? {} : { cluster: form.cluster.trim() };
  const scope =
    form.level === 'workspace'
      ? { level: 'workspace', workspace: form.workspace.trim(), ...cluster }
      : form.level === 'namespace'
        ? { level: 'namespace', namespace: form.namespace.trim(), ...cluster }
        : { level: 'cluster', ...cluster };
  const resolveAfter = form.resolveAfterSeconds.trim();
  return {
    signal: form.signal,
    kind: form.kind,
    severity: form.severity,
    condition: form.condition,
    enabled: form.enabled,
    scope,
    labels: pairsOf(form.labels),
    annotations: pairsOf(form.annotations),
    ...(resolveAfter === '' ? {} : { resolveAfterSeconds: numberOrText(resolveAfter) }),
  };
}
