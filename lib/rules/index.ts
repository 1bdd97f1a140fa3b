/**
 * The event and audit rule engine: a condition language, reusable
 * definitions, rules with scopes and owners, an indexed rule set, and the
 * alerts matching rules produce. Pure: no I/O, no environment, no clock
 * but the one passed in.
 */
export type { ConditionNode, FieldPath, ListItem, Literal, PathSegment, Predicate, PredicateOperator } from './ast.js';
export { cond } from './ast.js';
export { RuleError, RuleReferenceError, RuleSyntaxError, RuleValidationError, SignalShapeError, type SourcePosition } from './errors.js';
export { parseCondition, type ParsedCondition } from './parser.js';
export { compileCondition, compileConditionAst, type CompiledCondition } from './condition.js';
export { expandCondition, mergeDefinitions, parseFieldPath, validateDefinitions, type Definitions } from './definitions.js';
export { formatCondition, formatPath } from './format.js';
export type { EventDocument } from './evaluator.js';
export { isNormalizedSignal, normalizeSignal, type Signal, type SignalType } from './signal.js';
export { compileTemplate, type CompiledTemplate } from './template.js';
export {
  compileRule,
  RESERVED_LABELS,
  SEVERITIES,
  type CompiledRule,
  type RuleKind,
  type RuleOwner,
  type RuleScope,
  type RuleSpec,
  type Severity,
} from './rule.js';
export { chooseIndex, INDEXED_FIELDS, type IndexChoice } from './rule-index.js';
export { buildAlert, DEFAULT_RESOLVE_AFTER_SECONDS } from './build-alert.js';
export {
  compileRuleSet,
  dryRun,
  evaluateSignal,
  type CompiledRuleSet,
  type DryRunMatch,
  type DryRunReport,
  type EvaluationContext,
  type NamespaceAccess,
  type RejectedRule,
  type RuleDefinitions,
  type RuleSetOptions,
} from './rule-set.js';
export {
  exporterDropsToRules,
  exporterRouteToCondition,
  exporterRouteToRule,
  exporterRuleToCondition,
  type ExporterOptions,
  type ExporterRoute,
  type ExporterRule,
} from './exporter-routes.js';
export { defaultAuditRules, defaultDefinitions, defaultEventRules } from './default-rules.js';
