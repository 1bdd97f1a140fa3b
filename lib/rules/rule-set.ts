/**
 * A compiled rule set: every rule of an account (the operator's and all
 * tenants'), indexed per signal type and rule kind, evaluated per signal.
 *
 * Tenancy is enforced here, not by callers: a tenant's rule only matches a
 * signal from a namespace the tenant may access, as reported by the
 * context's `namespaceAccess`; cluster-level signals (no namespace) are seen
 * by the operator's rules only. Drop rules run first: an operator's drop
 * rule discards the signal for everyone, a tenant's drop rule only for that
 * tenant's own rules.
 */
import type { Alert } from '../alert/alert.js';
import { buildAlert, DEFAULT_RESOLVE_AFTER_SECONDS } from './build-alert.js';
import { mergeDefinitions, type Definitions } from './definitions.js';
import { RuleError, RuleValidationError } from './errors.js';
import { compileRule, MAX_RESOLVE_AFTER_SECONDS, MIN_RESOLVE_AFTER_SECONDS, type CompiledRule, type RuleSpec } from './rule.js';
import { RuleIndex } from './rule-index.js';
import { isNormalizedSignal, normalizeSignal, type Signal, type SignalType } from './signal.js';

/** Definitions visible to rules: the operator's, and each tenant's layered over them. */
export interface RuleDefinitions {
  global?: Definitions;
  tenants?: Readonly<Record<string, Definitions>>;
}

/** Options of a rule set. */
export interface RuleSetOptions {
  /** How long after its last occurrence an alert resolves, unless its rule says otherwise. */
  resolveAfterSeconds?: number;
  /** Cap on one rendered label or annotation value. */
  maxTemplateOutput?: number;
}

/** A rule that failed to compile (e.g. a macro it uses was deleted); the others still run. */
export interface RejectedRule {
  spec: RuleSpec;
  error: RuleError;
}

/** Who may see one namespace of the cluster the signal came from. */
export interface NamespaceAccess {
  /** The workspace the namespace belongs to, if any. */
  workspace?: string;
  /** Ids of the tenants that may access the namespace. */
  tenants: ReadonlySet<string>;
}

/** What evaluation needs besides the rules and the signal. */
export interface EvaluationContext {
  /** The authenticated cluster the signal came from. */
  cluster: string;
  now: Date;
  /** Access lookup for a namespace of `cluster`; called at most once per signal, never for cluster-level ones. */
  namespaceAccess(namespace: string): NamespaceAccess;
}

interface Indexes {
  drop: RuleIndex<CompiledRule>;
  alert: RuleIndex<CompiledRule>;
}

/** Rules ready for evaluation. Build once per rule change and cache. */
export interface CompiledRuleSet {
  readonly rules: readonly CompiledRule[];
  readonly rejected: readonly RejectedRule[];
  readonly resolveAfterSeconds: number;
  /** @internal */
  readonly indexes: Readonly<Record<SignalType, Indexes>>;
}

/**
 * Compiles every enabled rule. Rules that fail are reported in `rejected`
 * rather than failing the whole set: one broken tenant rule must not stop
 * every other rule of the account.
 */
export function compileRuleSet(specs: readonly RuleSpec[], definitions: RuleDefinitions = {}, options: RuleSetOptions = {}): CompiledRuleSet {
  const resolveAfterSeconds = options.resolveAfterSeconds ?? DEFAULT_RESOLVE_AFTER_SECONDS;
  if (!(resolveAfterSeconds >= MIN_RESOLVE_AFTER_SECONDS && resolveAfterSeconds <= MAX_RESOLVE_AFTER_SECONDS)) {
    throw new RuleValidationError(`resolveAfterSeconds must be between ${MIN_RESOLVE_AFTER_SECONDS} and ${MAX_RESOLVE_AFTER_SECONDS}`, {
      field: 'resolveAfterSeconds',
    });
  }
  const merged = new Map<string, Definitions>();
  const definitionsFor = (spec: RuleSpec): Definitions | undefined => {
    if (spec.owner.type === 'global') return definitions.global;
    const tenantId = spec.owner.tenantId;
    let layered = merged.get(tenantId);
    if (layered === undefined) {
      const own = definitions.tenants !== undefined && Object.hasOwn(definitions.tenants, tenantId) ? definitions.tenants[tenantId] : undefined;
      layered = mergeDefinitions(definitions.global, own);
      merged.set(tenantId, layered);
    }
    return layered;
  };

  const indexes: Record<SignalType, Indexes> = {
    event: { drop: new RuleIndex(), alert: new RuleIndex() },
    audit: { drop: new RuleIndex(), alert: new RuleIndex() },
  };
  const rules: CompiledRule[] = [];
  const rejected: RejectedRule[] = [];
  specs.forEach((spec, order) => {
    if (spec.enabled !== true) return;
    try {
      const rule = compileRule(spec, definitionsFor(spec), {
        order,
        ...(options.maxTemplateOutput === undefined ? {} : { maxTemplateOutput: options.maxTemplateOutput }),
      });
      rules.push(rule);
      indexes[spec.signal][spec.kind].add(rule);
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      rejected.push({ spec, error });
    }
  });
  return { rules, rejected, resolveAfterSeconds, indexes };
}

const NO_ACCESS: NamespaceAccess = { tenants: new Set() };

/** Whether `rule` may see `signal` at all: its owner's access, then its scope. */
function inScope(rule: CompiledRule, signal: Signal, cluster: string, access: NamespaceAccess): boolean {
  const { scope, owner } = rule.spec;
  if (scope.cluster !== undefined && scope.cluster !== cluster) return false;
  if (owner.type === 'tenant') {
    // The security boundary: no namespace, or a namespace the tenant cannot access, is invisible to it.
    if (signal.namespace === '' || !access.tenants.has(owner.tenantId)) return false;
  }
  switch (scope.level) {
    case 'cluster':
      return true;
    case 'workspace':
      return signal.namespace !== '' && access.workspace !== undefined && access.workspace === scope.workspace;
    case 'namespace':
      return signal.namespace === scope.namespace;
  }
}

/** Why a rule whose condition held produced no alert. */
export type DryRunOutcome = 'alert' | 'drop' | 'dropped-by-rule';

/** One rule in a dry-run report. */
export interface DryRunMatch {
  rule: string;
  owner: RuleSpec['owner'];
  kind: RuleSpec['kind'];
  /** `alert`: would raise `alert`; `drop`: this rule drops the signal; `dropped-by-rule`: an alert rule muted by a drop rule. */
  outcome: DryRunOutcome;
  alert?: Alert;
}

/** What a signal would do against a rule set. */
export interface DryRunReport {
  signal: SignalType;
  namespace: string;
  /** Dropped for everyone by an operator's drop rule. */
  dropped: boolean;
  /** Every rule that is in scope and whose condition holds, in rule-set order. */
  matches: DryRunMatch[];
  /** Enabled rules skipped because they cannot see this signal (tenant access or scope), in rule-set order. */
  outOfScope: string[];
  /** The alerts that would be emitted. */
  alerts: Alert[];
}

function run(ruleSet: CompiledRuleSet, input: unknown, context: EvaluationContext, report: DryRunReport | undefined): Alert[] {
  const signal = isNormalizedSignal(input) ? input : normalizeSignal(input);
  const access = signal.namespace === '' ? NO_ACCESS : (context.namespaceAccess(signal.namespace) ?? NO_ACCESS);
  const indexes = ruleSet.indexes[signal.type];
  const droppedTenants = new Set<string>();
  let droppedForAll = false;
  const record = (rule: CompiledRule, outcome: DryRunOutcome, alert?: Alert): void => {
    report?.matches.push({ rule: rule.spec.name, owner: rule.spec.owner, kind: rule.spec.kind, outcome, ...(alert === undefined ? {} : { alert }) });
  };

  for (const rule of indexes.drop.candidates(signal.doc)) {
    if (!inScope(rule, signal, context.cluster, access)) {
      report?.outOfScope.push(rule.spec.name);
      continue;
    }
    if (!rule.condition.test(signal.doc)) continue;
    record(rule, 'drop');
    if (rule.spec.owner.type === 'global') {
      droppedForAll = true;
      if (report === undefined) return [];
    } else {
      droppedTenants.add(rule.spec.owner.tenantId);
    }
  }
  if (report !== undefined) {
    report.signal = signal.type;
    report.namespace = signal.namespace;
    report.dropped = droppedForAll;
  }

  const alerts: Alert[] = [];
  const alertContext = { cluster: context.cluster, now: context.now, defaultResolveAfterSeconds: ruleSet.resolveAfterSeconds };
  for (const rule of indexes.alert.candidates(signal.doc)) {
    if (!inScope(rule, signal, context.cluster, access)) {
      report?.outOfScope.push(rule.spec.name);
      continue;
    }
    const muted = droppedForAll || (rule.spec.owner.type === 'tenant' && droppedTenants.has(rule.spec.owner.tenantId));
    if (muted && report === undefined) continue;
    if (!rule.condition.test(signal.doc)) continue;
    if (muted) {
      record(rule, 'dropped-by-rule');
      continue;
    }
    const alert = buildAlert(rule, signal, alertContext);
    alerts.push(alert);
    record(rule, 'alert', alert);
  }
  return alerts;
}

/**
 * Evaluates one Kubernetes Event or audit Event (raw, or already normalized)
 * and returns the alerts to emit, in rule-set order. Throws SignalShapeError
 * for input that is neither.
 */
export function evaluateSignal(ruleSet: CompiledRuleSet, input: unknown, context: EvaluationContext): Alert[] {
  return run(ruleSet, input, context, undefined);
}

/**
 * Says which rules match a sample signal and what each would produce,
 * including alert rules muted by a drop rule and rules out of scope.
 */
export function dryRun(ruleSet: CompiledRuleSet, input: unknown, context: EvaluationContext): DryRunReport {
  const report: DryRunReport = { signal: 'event', namespace: '', dropped: false, matches: [], outOfScope: [], alerts: [] };
  report.alerts = run(ruleSet, input, context, report);
  return report;
}
