/**
 * Turns an expanded syntax tree into a tree of closures, built once per
 * rule. Evaluating an event walks the closures only: nothing is parsed,
 * and every pattern is already compiled.
 *
 * Value semantics, in one place:
 * - A path yields zero or more values: `[*]` and slices fan out, a final
 *   array stands for its elements, and null counts as missing.
 * - A positive operator holds when ANY value satisfies it; none → false.
 * - A negated operator (`!=`, `not in`, `not contains`, `!~` ...) means
 *   "the field exists and the positive operator does not hold": false
 *   when the field is missing, as in the reference engine.
 * - `not exists` and the unary `not`/`!` are plain negation: true when missing.
 */
import type { ConditionNode, FieldPath, Literal, PathSegment, Predicate } from './ast.js';
import { compileGlob, compileRegex } from './patterns.js';

/** A document a condition is evaluated against (a normalized event). */
export type EventDocument = Readonly<Record<string, unknown>>;

/** A compiled condition tree. */
export type CompiledPredicate = (doc: EventDocument) => boolean;

type ValueTest = (value: unknown) => boolean;

const NUMERIC = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;
const GO_TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/** The text form of a scalar (the reference's fmt.Sprint); undefined for objects and arrays. */
export function scalarText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? String(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return undefined;
  }
}

/** A number, or a string that spells one; undefined otherwise. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  return undefined;
}

/** Go's strconv.ParseBool over the text form. */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = scalarText(value);
  if (text === undefined) return undefined;
  if (GO_TRUE.has(text)) return true;
  if (GO_FALSE.has(text)) return false;
  return undefined;
}

/** Equality of a field value with a literal, typed by the literal. */
export function equalsLiteral(value: unknown, literal: Literal): boolean {
  if (typeof literal === 'string') return scalarText(value) === literal;
  if (typeof literal === 'number') return toNumber(value) === literal;
  return toBoolean(value) === literal;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function step(value: unknown, segment: PathSegment, out: unknown[]): void {
  switch (segment.type) {
    case 'key':
      // Own properties only: "__proto__" or "constructor" never reach the prototype.
      if (isRecord(value) && Object.hasOwn(value, segment.key)) out.push(value[segment.key]);
      return;
    case 'index':
      if (Array.isArray(value) && segment.index < value.length) out.push(value[segment.index]);
      return;
    case 'wildcard':
      if (Array.isArray(value)) out.push(...value);
      else if (isRecord(value)) out.push(...Object.values(value));
      return;
    case 'slice':
      if (Array.isArray(value)) out.push(...value.slice(segment.start ?? 0, segment.end ?? value.length));
      return;
  }
}

/** Compiles a path to a function listing its present values. */
export function compilePath(path: FieldPath): (doc: EventDocument) => unknown[] {
  const segments = path.segments;
  const simple = segments.every((segment) => segment.type === 'key');
  const finish = (value: unknown, out: unknown[]): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const element of value) if (element !== null && element !== undefined) out.push(element);
    } else {
      out.push(value);
    }
  };
  if (simple) {
    const keys = segments.map((segment) => (segment as { key: string }).key);
    return (doc) => {
      let current: unknown = doc;
      for (const key of keys) {
        if (!isRecord(current) || !Object.hasOwn(current, key)) return [];
        current = current[key];
      }
      const out: unknown[] = [];
      finish(current, out);
      return out;
    };
  }
  return (doc) => {
    let current: unknown[] = [doc];
    for (const segment of segments) {
      const next: unknown[] = [];
      for (const value of current) step(value, segment, next);
      if (next.length === 0) return [];
      current = next;
    }
    const out: unknown[] = [];
    for (const value of current) finish(value, out);
    return out;
  };
}

function valueTest(predicate: Predicate): ValueTest {
  const literal = predicate.value;
  switch (predicate.op) {
    case 'eq':
      return (value) => equalsLiteral(value, literal as Literal);
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      const holds =
        predicate.op === 'lt'
          ? (c: number) => c < 0
          : predicate.op === 'le'
            ? (c: number) => c <= 0
            : predicate.op === 'gt'
              ? (c: number) => c > 0
              : (c: number) => c >= 0;
      if (typeof literal === 'number') {
        return (value) => {
          const n = toNumber(value);
          return n !== undefined && holds(n < literal ? -1 : n > literal ? 1 : 0);
        };
      }
      const text = String(literal);
      return (value) => {
        const s = scalarText(value);
        return s !== undefined && holds(s < text ? -1 : s > text ? 1 : 0);
      };
    }
    case 'in': {
      const literals = (predicate.list ?? []).flatMap((item) => (item.type === 'literal' ? [item.value] : []));
      const strings = new Set(literals.filter((l): l is string => typeof l === 'string'));
      const numbers = new Set(literals.filter((l): l is number => typeof l === 'number'));
      const booleans = literals.filter((l): l is boolean => typeof l === 'boolean');
      return (value) => {
        const s = scalarText(value);
        if (s !== undefined && strings.has(s)) return true;
        if (numbers.size > 0) {
          const n = toNumber(value);
          if (n !== undefined && numbers.has(n)) return true;
        }
        if (booleans.length > 0) {
          const b = toBoolean(value);
          if (b !== undefined && booleans.includes(b)) return true;
        }
        return false;
      };
    }
    case 'contains': {
      const text = String(literal);
      return (value) => scalarText(value)?.includes(text) ?? false;
    }
    case 'startswith': {
      const text = String(literal);
      return (value) => scalarText(value)?.startsWith(text) ?? false;
    }
    case 'endswith': {
      const text = String(literal);
      return (value) => scalarText(value)?.endsWith(text) ?? false;
    }
    case 'like': {
      const matcher = compileGlob(String(literal));
      return (value) => {
        const s = scalarText(value);
        return s !== undefined && matcher.test(s);
      };
    }
    case 'regex': {
      const matcher = compileRegex(String(literal));
      return (value) => {
        const s = scalarText(value);
        return s !== undefined && matcher.test(s);
      };
    }
    case 'truthy':
      return (value) => toBoolean(value) === true;
    case 'exists':
      return () => true;
  }
}

function compilePredicate(predicate: Predicate): CompiledPredicate {
  if (predicate.field.type !== 'path') {
    throw new TypeError(`Unexpanded alias "\${${predicate.field.name}}": expand the condition before compiling it`);
  }
  const values = compilePath(predicate.field);
  if (predicate.op === 'exists') {
    return predicate.negated ? (doc) => values(doc).length === 0 : (doc) => values(doc).length > 0;
  }
  const test = valueTest(predicate);
  const any = (found: unknown[]): boolean => {
    for (const value of found) if (test(value)) return true;
    return false;
  };
  if (predicate.negated) {
    return (doc) => {
      const found = values(doc);
      return found.length > 0 && !any(found);
    };
  }
  return (doc) => any(values(doc));
}

/** Builds the closure tree of an expanded condition. */
export function buildPredicate(node: ConditionNode): CompiledPredicate {
  switch (node.type) {
    case 'const': {
      const value = node.value;
      return () => value;
    }
    case 'not': {
      const child = buildPredicate(node.child);
      return (doc) => !child(doc);
    }
    case 'and': {
      const children = node.children.map(buildPredicate);
      return (doc) => {
        for (const child of children) if (!child(doc)) return false;
        return true;
      };
    }
    case 'or': {
      const children = node.children.map(buildPredicate);
      return (doc) => {
        for (const child of children) if (child(doc)) return true;
        return false;
      };
    }
    case 'predicate':
      return compilePredicate(node);
    case 'ref':
      throw new TypeError(`Unexpanded reference "\${${node.name}}": expand the condition before compiling it`);
  }
}
