/**
 * Rules: a condition over one kind of signal, what to do when it matches
 * (raise an alert or drop the signal), who owns it and where it applies.
 */
import { labelNameProblem } from '../alert/labels.js';
import { compileCondition, compileConditionAst, type CompiledCondition } from './condition.js';
import type { ConditionNode } from './ast.js';
import type { Definitions } from './definitions.js';
import { RuleError, RuleValidationError } from './errors.js';
import type { SignalType } from './signal.js';
import { compileTemplate, type CompiledTemplate } from './template.js';

export type RuleKind = 'alert' | 'drop';

/** Alert severities, highest first. kube-auditing's WARNING/INFO/DEBUG map onto warning/info/info. */
export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * Where a rule applies, as KubeSphere's `kubesphere.io/rule-scope`. `cluster`
 * optionally pins any scope to one cluster of the account.
 */
export type RuleScope =
  | { level: 'cluster'; cluster?: string }
  | { level: 'workspace'; workspace: string; cluster?: string }
  | { level: 'namespace'; namespace: string; cluster?: string };

/** The operator's (global) rules see every signal; a tenant's only its namespaces'. */
export type RuleOwner = { type: 'global' } | { type: 'tenant'; tenantId: string };

/** A rule as stored and as written through the API. */
export interface RuleSpec {
  name: string;
  /** Which signals the rule is written against. */
  signal: SignalType;
  condition: string;
  enabled: boolean;
  kind: RuleKind;
  severity: Severity;
  /** Handlebars templates over the event; part of the alert's identity, so keep them stable across repeats. */
  labels?: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
  scope: RuleScope;
  owner: RuleOwner;
  /** How long after the last occurrence the alert resolves by itself. */
  resolveAfterSeconds?: number;
}

/** Labels the engine sets and rules may not override: they decide routing and tenancy. */
export const RESERVED_LABELS: ReadonlySet<string> = new Set(['alertname', 'alerttype', 'cluster', 'namespace', 'severity', 'rule_owner']);

const MAX_NAME_LENGTH = 253;
/** Bounds on resolveAfterSeconds: a minute to a week. */
export const MIN_RESOLVE_AFTER_SECONDS = 60;
export const MAX_RESOLVE_AFTER_SECONDS = 7 * 24 * 3600;
const MAX_TEMPLATES = 64;
// Fields that change from one repeat of an event to the next; in a label they split one alert into many.
const VOLATILE_FIELDS = /\b(count|lastTimestamp|firstTimestamp|eventTime|series|metadata\.(name|uid|resourceVersion)|auditID|stageTimestamp|requestReceivedTimestamp)\b/;

/** A rule ready for evaluation. */
export interface CompiledRule {
  readonly spec: RuleSpec;
  readonly condition: CompiledCondition;
  readonly labels: ReadonlyArray<readonly [string, CompiledTemplate]>;
  readonly annotations: ReadonlyArray<readonly [string, CompiledTemplate]>;
  readonly warnings: readonly string[];
  /** Position in the rule set; alerts come out in this order. */
  readonly order: number;
}

/** Options of rule compilation. */
export interface CompileRuleOptions {
  /** Cap on one rendered label or annotation value. */
  maxTemplateOutput?: number;
  /** Position in the rule set. */
  order?: number;
  /** A generated condition tree to use instead of parsing `spec.condition`. */
  conditionAst?: ConditionNode;
}

function validateSpec(spec: RuleSpec): void {
  const fail = (field: string, message: string): never => {
    throw new RuleValidationError(message, { field });
  };
  if (typeof spec.name !== 'string' || spec.name.trim() === '' || spec.name.length > MAX_NAME_LENGTH) {
    fail('name', `A rule needs a name of 1 to ${MAX_NAME_LENGTH} characters`);
  }
  if (spec.signal !== 'event' && spec.signal !== 'audit') fail('signal', 'signal must be "event" or "audit"');
  if (spec.kind !== 'alert' && spec.kind !== 'drop') fail('kind', 'kind must be "alert" or "drop"');
  if (!(SEVERITIES as readonly string[]).includes(spec.severity)) fail('severity', `severity must be one of ${SEVERITIES.join(', ')}`);
  if (typeof spec.enabled !== 'boolean') fail('enabled', 'enabled must be true or false');
  if (typeof spec.condition !== 'string') fail('condition', 'condition must be a string');
  const scope = spec.scope as RuleScope | undefined;
  if (scope === undefined || !['cluster', 'workspace', 'namespace'].includes(scope.level)) {
    fail('scope.level', 'scope.level must be cluster, workspace or namespace');
  } else if (scope.level === 'workspace' && !(typeof scope.workspace === 'string' && scope.workspace !== '')) {
    fail('scope.workspace', 'a workspace rule names its workspace');
  } else if (scope.level === 'namespace' && !(typeof scope.namespace === 'string' && scope.namespace !== '')) {
    fail('scope.namespace', 'a namespace rule names its namespace');
  }
  const owner = spec.owner as RuleOwner | undefined;
  if (owner?.type !== 'global' && !(owner?.type === 'tenant' && typeof owner.tenantId === 'string' && owner.tenantId !== '')) {
    fail('owner', 'owner must be global or a tenant with a tenantId');
  }
  const resolveAfter = spec.resolveAfterSeconds;
  if (
    resolveAfter !== undefined &&
    !(Number.isFinite(resolveAfter) && resolveAfter >= MIN_RESOLVE_AFTER_SECONDS && resolveAfter <= MAX_RESOLVE_AFTER_SECONDS)
  ) {
    fail('resolveAfterSeconds', `resolveAfterSeconds must be between ${MIN_RESOLVE_AFTER_SECONDS} and ${MAX_RESOLVE_AFTER_SECONDS}`);
  }
  for (const [field, record] of [
    ['labels', spec.labels],
    ['annotations', spec.annotations],
  ] as const) {
    const keys = Object.keys(record ?? {});
    if (keys.length > MAX_TEMPLATES) fail(field, `at most ${MAX_TEMPLATES} ${field}`);
    for (const key of keys) {
      const nameProblem = labelNameProblem(key);
      if (nameProblem !== undefined) fail(`${field}.${key}`, `"${key}" is not a valid label name: ${nameProblem}`);
      if (field === 'labels' && RESERVED_LABELS.has(key)) {
        fail(`labels.${key}`, `"${key}" is set by the engine and cannot be overridden by a rule`);
      }
    }
  }
}

/**
 * Validates and compiles one rule. Throws a RuleError subclass whose `field`
 * says which part is wrong (RuleSyntaxError for the condition carries the
 * position). Disabled rules are validated too, so they can be enabled later.
 */
export function compileRule(spec: RuleSpec, definitions?: Definitions, options: CompileRuleOptions = {}): CompiledRule {
  validateSpec(spec);
  let condition: CompiledCondition;
  try {
    condition =
      options.conditionAst === undefined
        ? compileCondition(spec.condition, definitions)
        : { ...compileConditionAst(options.conditionAst, definitions), source: spec.condition };
  } catch (error) {
    if (error instanceof RuleError) error.field ??= 'condition';
    throw error;
  }
  const templates = (field: 'labels' | 'annotations'): Array<readonly [string, CompiledTemplate]> =>
    Object.entries(spec[field] ?? {}).map(([key, source]) => {
      if (typeof source !== 'string') throw new RuleValidationError(`${field}.${key} must be a string`, { field: `${field}.${key}` });
      return [key, compileTemplate(source, `${field}.${key}`, options.maxTemplateOutput)] as const;
    });
  const labels = templates('labels');
  const annotations = templates('annotations');
  const warnings = [...condition.warnings];
  for (const [key, template] of labels) {
    if (VOLATILE_FIELDS.test(template.source)) {
      warnings.push(`Label "${key}" uses a field that changes between repeats of an event; each repeat would become a separate alert.`);
    }
  }
  return { spec, condition, labels, annotations, warnings, order: options.order ?? 0 };
}
