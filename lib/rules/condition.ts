/**
 * The one entry point from condition text to something that tests events:
 * parse, expand definitions, compile to closures. Done once per rule.
 */
import type { ConditionNode } from './ast.js';
import { expandCondition, type Definitions } from './definitions.js';
import { buildPredicate, type EventDocument } from './evaluator.js';
import { parseCondition } from './parser.js';

/** A condition ready to test events. */
export interface CompiledCondition {
  readonly source: string;
  /** The tree with every `${...}` expanded and Go-style names mapped to JSON names. */
  readonly ast: ConditionNode;
  /** Compatibility notes, e.g. where the reference engine's precedence would read the text differently. */
  readonly warnings: readonly string[];
  /** Tests a normalized event document (see normalizeSignal). */
  test(doc: EventDocument): boolean;
}

/**
 * Compiles a condition. Throws RuleSyntaxError (with position and what was
 * expected), RuleReferenceError (undefined names, macro cycles) or
 * RuleValidationError (limits).
 */
export function compileCondition(source: string, definitions?: Definitions): CompiledCondition {
  const { ast, warnings } = parseCondition(source);
  const expanded = expandCondition(ast, definitions);
  const test = buildPredicate(expanded);
  return { source, ast: expanded, warnings, test };
}

/** Compiles an already-built tree (generated conditions), expanding references in it. */
export function compileConditionAst(ast: ConditionNode, definitions?: Definitions): CompiledCondition {
  const expanded = expandCondition(ast, definitions);
  return { source: '', ast: expanded, warnings: [], test: buildPredicate(expanded) };
}
