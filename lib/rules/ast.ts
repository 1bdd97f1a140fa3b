/**
 * The condition language's syntax tree. Plain data, so it can be printed
 * back to text, inspected for indexing, and serialised in dry-run answers.
 */
import type { SourcePosition } from './errors.js';

/** One step of a field path. */
export type PathSegment =
  | { type: 'key'; key: string }
  | { type: 'index'; index: number }
  | { type: 'wildcard' }
  | { type: 'slice'; start: number | undefined; end: number | undefined };

/** A field path as written or, after expansion, as resolved against the event. */
export interface FieldPath {
  type: 'path';
  segments: readonly PathSegment[];
}

/** `${name}` used where a field is expected; replaced by a FieldPath on expansion. */
export interface AliasRef {
  type: 'alias';
  name: string;
  position: SourcePosition;
}

export type Literal = string | number | boolean;

/** An entry of an `in (...)` list: a literal, or `${list}` spliced in on expansion. */
export type ListItem = { type: 'literal'; value: Literal } | { type: 'list'; name: string; position: SourcePosition };

/** Operators of predicates. Negation (`!=`, `not in`, `!~` ...) is the `negated` flag. */
export type PredicateOperator =
  | 'eq'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'in'
  | 'contains'
  | 'startswith'
  | 'endswith'
  | 'like'
  | 'regex'
  | 'exists'
  | 'truthy';

export interface Predicate {
  type: 'predicate';
  field: FieldPath | AliasRef;
  op: PredicateOperator;
  negated: boolean;
  /** The right-hand side of comparisons, contains, startswith, endswith, like, regex. */
  value?: Literal;
  /** The right-hand side of `in`. */
  list?: readonly ListItem[];
  position: SourcePosition;
  /** The macro this predicate was written in, for error messages. */
  origin?: string;
}

export type ConditionNode =
  | { type: 'and'; children: readonly ConditionNode[] }
  | { type: 'or'; children: readonly ConditionNode[] }
  | { type: 'not'; child: ConditionNode }
  | { type: 'const'; value: boolean }
  /** `${name}` in condition position: a macro, or an alias used as a bare boolean field. */
  | { type: 'ref'; name: string; position: SourcePosition; origin?: string }
  | Predicate;

/** Shorthand builders, used by generated conditions (routes, tests). */
export const cond = {
  and: (...children: ConditionNode[]): ConditionNode =>
    children.length === 1 ? (children[0] as ConditionNode) : { type: 'and', children },
  or: (...children: ConditionNode[]): ConditionNode =>
    children.length === 1 ? (children[0] as ConditionNode) : { type: 'or', children },
  not: (child: ConditionNode): ConditionNode => ({ type: 'not', child }),
  const: (value: boolean): ConditionNode => ({ type: 'const', value }),
};

export const NO_POSITION: SourcePosition = { offset: 0, line: 1, column: 1 };
