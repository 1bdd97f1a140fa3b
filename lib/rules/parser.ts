/**
 * Recursive-descent parser of conditions. Precedence is the usual
 * `not` > `and` > `or` (the reference engine differs; see README), and
 * mixing that would read differently there is reported as a warning.
 */
import type { ConditionNode, FieldPath, ListItem, Literal, Predicate, PredicateOperator, AliasRef } from './ast.js';
import { RuleSyntaxError } from './errors.js';
import { PositionMap, tokenize, type Keyword, type Token } from './lexer.js';
import { toJsonFieldNames } from './field-names.js';
import { compileGlob, compileRegex, PatternError } from './patterns.js';

/** Longest condition accepted, in characters. */
export const MAX_CONDITION_LENGTH = 16_384;
/** Deepest nesting of parentheses and `not`, so a hostile condition cannot overflow the stack. */
export const MAX_NESTING = 64;

/** What parsing returns: the tree and any compatibility warnings. */
export interface ParsedCondition {
  ast: ConditionNode;
  warnings: string[];
}

const PREDICATE_KEYWORDS = new Set<Keyword>(['in', 'contains', 'startswith', 'endswith', 'like', 'regex', 'exists']);
const EXPECTED_OPERATOR = [
  'an operator (=, !=, <, <=, >, >=, in, contains, startswith, endswith, like, regex, =~, !~, exists)',
  'and',
  'or',
  ')',
  'end of condition',
];
const EXPECTED_CONDITION = ['a field', '(', 'not', '${macro}', 'true', 'false'];

/**
 * Parses a condition into its syntax tree. `definition` names the macro being
 * parsed so errors can say where they are.
 */
export function parseCondition(source: string, definition?: string): ParsedCondition {
  const positions = new PositionMap(source);
  const withDef = definition === undefined ? {} : { definition };
  if (source.length > MAX_CONDITION_LENGTH) {
    throw new RuleSyntaxError(`Condition is longer than ${MAX_CONDITION_LENGTH} characters`, {
      position: positions.at(MAX_CONDITION_LENGTH),
      expected: ['a shorter condition'],
      found: 'more text',
      ...withDef,
    });
  }
  const tokens = tokenize(source, positions, definition);
  const warnings: string[] = [];
  let index = 0;
  let depth = 0;

  const peek = (ahead = 0): Token => tokens[Math.min(index + ahead, tokens.length - 1)] as Token;
  const next = (): Token => tokens[Math.min(index++, tokens.length - 1)] as Token;
  const describe = (token: Token): string => (token.kind === 'eof' ? 'end of condition' : token.text);
  const fail = (token: Token, detail: string, expected: readonly string[]): never => {
    throw new RuleSyntaxError(detail, { position: positions.at(token.start), expected, found: describe(token), ...withDef });
  };
  const isKeyword = (token: Token, word: Keyword): boolean => token.kind === 'keyword' && token.word === word;
  const enter = (token: Token): void => {
    if (++depth > MAX_NESTING) fail(token, `Condition nests deeper than ${MAX_NESTING} levels`, ['less nesting']);
  };

  function parseOr(): ConditionNode {
    const children = [parseAnd()];
    while (isKeyword(peek(), 'or')) {
      next();
      children.push(parseAnd());
    }
    if (children.length === 1) return children[0] as ConditionNode;
    if (children.some((child) => child.type === 'and' && !parenthesized.has(child))) {
      warnings.push(
        'Mixes "and" and "or" without parentheses: here "and" binds tighter, but kube-events and kube-auditing read them left to right; add parentheses to be unambiguous.',
      );
    }
    return { type: 'or', children };
  }

  function parseAnd(): ConditionNode {
    const children = [parseUnary()];
    while (isKeyword(peek(), 'and')) {
      next();
      children.push(parseUnary());
    }
    return children.length === 1 ? (children[0] as ConditionNode) : { type: 'and', children };
  }

  function parseUnary(): ConditionNode {
    const token = peek();
    if (isKeyword(token, 'not') || (token.kind === 'op' && token.value === '!')) {
      next();
      enter(token);
      const operandStart = peek();
      const child = parseUnary();
      depth--;
      const following = peek();
      if (operandStart.text !== '(' && (isKeyword(following, 'and') || isKeyword(following, 'or'))) {
        warnings.push(
          `"${token.text}" at column ${positions.at(token.start).column} applies to the next predicate only; kube-events and kube-auditing would apply it to the whole "${following.text}" chain. Use parentheses to be unambiguous.`,
        );
      }
      return { type: 'not', child };
    }
    return parsePrimary();
  }

  // Nodes that were written inside parentheses, so mixing warnings skip them.
  const parenthesized = new WeakSet<ConditionNode>();

  function parsePrimary(): ConditionNode {
    const token = peek();
    if (token.kind === 'punct' && token.value === '(') {
      next();
      enter(token);
      const inner = parseOr();
      depth--;
      const close = next();
      if (!(close.kind === 'punct' && close.value === ')')) fail(close, 'Expected ")"', [')', 'and', 'or']);
      parenthesized.add(inner);
      return inner;
    }
    if (isKeyword(token, 'true') || isKeyword(token, 'false')) {
      next();
      return { type: 'const', value: isKeyword(token, 'true') };
    }
    if (token.kind === 'path') {
      next();
      const field: FieldPath = { type: 'path', segments: toJsonFieldNames(token.segments) };
      return parsePredicateRest(field, token);
    }
    if (token.kind === 'ref') {
      next();
      if (startsOperator(peek())) {
        const alias: AliasRef = { type: 'alias', name: token.name, position: positions.at(token.start) };
        return parsePredicateRest(alias, token);
      }
      return { type: 'ref', name: token.name, position: positions.at(token.start), ...withOrigin };
    }
    return fail(token, token.kind === 'eof' ? 'Expected a condition' : `Unexpected ${describe(token)}`, EXPECTED_CONDITION);
  }

  const withOrigin = definition === undefined ? {} : { origin: definition };

  function startsOperator(token: Token): boolean {
    if (token.kind === 'op') return token.value !== '!';
    if (token.kind !== 'keyword') return false;
    if (PREDICATE_KEYWORDS.has(token.word)) return true;
    const after = peek(1);
    return token.word === 'not' && after.kind === 'keyword' && PREDICATE_KEYWORDS.has(after.word);
  }

  function literalOf(token: Token, allowBoolean: boolean, allowNumber = true): Literal | undefined {
    if (token.kind === 'string') return token.value;
    if (token.kind === 'number' && allowNumber) return token.value;
    if (allowBoolean && (isKeyword(token, 'true') || isKeyword(token, 'false'))) return isKeyword(token, 'true');
    return undefined;
  }

  function parsePredicateRest(field: FieldPath | AliasRef, fieldToken: Token): Predicate {
    const position = positions.at(fieldToken.start);
    const base = { type: 'predicate' as const, field, position, ...withOrigin };
    const opToken = peek();

    if (opToken.kind === 'op' && opToken.value !== '!') {
      next();
      const valueToken = next();
      const symbol = opToken.value;
      if (symbol === '=~' || symbol === '!~') {
        const pattern = literalOf(valueToken, false, false);
        if (typeof pattern !== 'string') return fail(valueToken, `Expected a string pattern after ${symbol}`, ['a quoted regular expression']);
        checkPattern('regex', pattern, valueToken);
        return { ...base, op: 'regex', negated: symbol === '!~', value: pattern };
      }
      const equality = symbol === '=' || symbol === '==' || symbol === '!=' || symbol === '<>';
      const value = literalOf(valueToken, equality);
      if (value === undefined) {
        return fail(valueToken, `Expected a value after ${symbol}`, equality ? ['a string', 'a number', 'true', 'false'] : ['a string', 'a number']);
      }
      const op: PredicateOperator =
        symbol === '<' ? 'lt' : symbol === '<=' ? 'le' : symbol === '>' ? 'gt' : symbol === '>=' ? 'ge' : 'eq';
      return { ...base, op, negated: symbol === '!=' || symbol === '<>', value };
    }

    let negated = false;
    if (isKeyword(opToken, 'not')) {
      const after = peek(1);
      if (!(after.kind === 'keyword' && PREDICATE_KEYWORDS.has(after.word))) {
        return fail(after, 'Expected an operator after "not"', ['in', 'contains', 'startswith', 'endswith', 'like', 'regex', 'exists']);
      }
      next();
      negated = true;
    }
    const keyword = peek();
    if (keyword.kind === 'keyword' && PREDICATE_KEYWORDS.has(keyword.word)) {
      next();
      switch (keyword.word) {
        case 'exists':
          return { ...base, op: 'exists', negated };
        case 'in':
          return { ...base, op: 'in', negated, list: parseList() };
        case 'like':
        case 'regex': {
          const valueToken = next();
          if (valueToken.kind !== 'string') return fail(valueToken, `Expected a string pattern after ${keyword.word}`, ['a quoted pattern']);
          checkPattern(keyword.word, valueToken.value, valueToken);
          return { ...base, op: keyword.word, negated, value: valueToken.value };
        }
        default: {
          const valueToken = next();
          const value = literalOf(valueToken, false);
          if (value === undefined) return fail(valueToken, `Expected a value after ${keyword.word}`, ['a string', 'a number']);
          return { ...base, op: keyword.word as PredicateOperator, negated, value: String(value) };
        }
      }
    }

    if (opToken.kind === 'string' || opToken.kind === 'number' || opToken.kind === 'path' || opToken.kind === 'ref') {
      return fail(opToken, 'Expected an operator', EXPECTED_OPERATOR);
    }
    // A bare field: true when its value reads as boolean true.
    return { ...base, op: 'truthy', negated: false };
  }

  function parseList(): ListItem[] {
    const open = next();
    if (open.kind === 'ref') return [{ type: 'list', name: open.name, position: positions.at(open.start) }];
    if (!(open.kind === 'punct' && open.value === '(')) return fail(open, 'Expected "(" after in', ['(', '${list}']);
    const items: ListItem[] = [];
    for (;;) {
      const token = next();
      if (token.kind === 'punct' && token.value === ')' && items.length > 0) return items;
      const value = literalOf(token, true);
      if (value !== undefined) items.push({ type: 'literal', value });
      else if (token.kind === 'ref') items.push({ type: 'list', name: token.name, position: positions.at(token.start) });
      else return fail(token, 'Expected a list value', ['a string', 'a number', 'true', 'false', '${list}']);
      const sep = next();
      if (sep.kind === 'punct' && sep.value === ')') return items;
      if (!(sep.kind === 'punct' && sep.value === ',')) return fail(sep, 'Expected "," or ")" in list', [',', ')']);
    }
  }

  function checkPattern(kind: 'like' | 'regex', pattern: string, token: Token): void {
    try {
      if (kind === 'like') compileGlob(pattern);
      else compileRegex(pattern);
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      throw new RuleSyntaxError(error.message.replace(/^./, (c) => c.toUpperCase()), {
        position: positions.at(token.start),
        expected: [kind === 'like' ? 'a valid glob pattern' : 'a valid RE2 regular expression'],
        found: describe(token),
        cause: error,
        ...withDef,
      });
    }
  }

  const ast = parseOr();
  const rest = peek();
  if (rest.kind !== 'eof') {
    fail(rest, `Unexpected ${describe(rest)}`, rest.kind === 'punct' && rest.value === ')' ? ['and', 'or', 'end of condition'] : EXPECTED_OPERATOR);
  }
  return { ast, warnings };
}
