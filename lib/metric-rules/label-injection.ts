import { parser } from '@prometheus-io/lezer-promql';
import { InvalidMatcherError, Matcher, type MatchType } from '../matchers/matcher.js';
import { escapeRegex, quote } from './promql-text.js';
import { checkRuleExpressionType, TypeCheckError } from './promql-types.js';

/**
 * A label every selector of an expression must be restricted to: one value
 * (`name="v"`) or several (`name=~"a|b"`, each value escaped).
 */
export type EnforcedLabel = { name: string; values: readonly string[] } | { name: string; matcher: { type: MatchType; value: string } };

/** An expression that cannot be used: a syntax error, or a matcher that contradicts an enforced label. */
export class ExpressionError extends Error {
  constructor(
    message: string,
    /** Offset in the expression where the problem is, when known. */
    readonly position?: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** One label matcher as written in a selector, its value unquoted. */
export interface SelectorMatcher {
  name: string;
  type: MatchType;
  value: string;
}

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

interface Edit {
  from: number;
  to: number;
  text: string;
}

/**
 * Restricts every vector and matrix selector of a PromQL expression to the
 * enforced labels, on the parsed expression (lezer's PromQL grammar), as
 * prom-label-proxy does. The enforced matcher is always added, never trusted
 * to be there: a matcher the author wrote on that label stays beside it when
 * it admits an enforced value (it can only narrow), and is refused with an
 * ExpressionError naming it when it admits none (it asks for other data). An
 * author's `name="v"` equal to the enforcement is replaced by it rather than
 * repeated. Selectors inside subqueries, `offset`/`@` and function arguments
 * are reached like any other; literals, `vector()` and `time()` select
 * nothing and stay as they are. The expression is type-checked first, as
 * Prometheus would, so nothing a ruler would refuse gets through.
 */
export function injectLabels(expr: string, enforced: readonly EnforcedLabel[]): string {
  const top = parse(expr);
  try {
    checkRuleExpressionType(top, expr);
  } catch (error) {
    if (error instanceof TypeCheckError) throw new ExpressionError(error.message, error.position);
    throw error;
  }
  const edits: Edit[] = [];
  for (const selector of vectorSelectors(top)) {
    edits.push(...selectorEdits(expr, selector, enforced));
  }
  // From the end, so earlier offsets stay valid.
  let result = expr;
  for (const edit of edits.sort((a, b) => b.from - a.from)) result = result.slice(0, edit.from) + edit.text + result.slice(edit.to);
  return result;
}

/** Every vector selector of an expression with its matchers (the metric name as `__name__`), for checks and tests. */
export function selectorsOf(expr: string): SelectorMatcher[][] {
  return vectorSelectors(parse(expr)).map((selector) => {
    const identifier = selector.getChild('Identifier');
    const name: SelectorMatcher[] = identifier === null ? [] : [{ name: '__name__', type: '=', value: expr.slice(identifier.from, identifier.to) }];
    return [...name, ...matchersOf(expr, selector).map((m) => m.matcher)];
  });
}

function parse(expr: string): SyntaxNode {
  if (expr.trim() === '') throw new ExpressionError('expression is empty');
  const tree = parser.parse(expr);
  let error: number | undefined;
  tree.iterate({
    enter(node) {
      if (error !== undefined) return false;
      if (node.type.isError) error = node.from;
      return undefined;
    },
  });
  if (error !== undefined) throw new ExpressionError(`syntax error at position ${error}: ${JSON.stringify(expr.slice(error, error + 20))}`, error);
  return tree.topNode;
}

function vectorSelectors(top: SyntaxNode): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const cursor = top.cursor();
  do {
    if (cursor.name === 'VectorSelector') found.push(cursor.node);
    if (cursor.name === 'QuotedLabelMatcher' || cursor.name === 'QuotedLabelName') {
      // Prometheus 3's quoted (UTF-8) names: tidings' labels are classic names, and 2.x rulers cannot read them.
      throw new ExpressionError(`quoted label or metric names are not supported (position ${cursor.from})`, cursor.from);
    }
  } while (cursor.next());
  return found;
}

function matchersOf(expr: string, selector: SyntaxNode): Array<{ node: SyntaxNode; matcher: SelectorMatcher }> {
  const list = selector.getChild('LabelMatchers');
  if (list === null) return [];
  return list.getChildren('UnquotedLabelMatcher').map((node) => {
    const name = node.getChild('LabelName')!;
    const op = node.getChild('MatchOp')!;
    const literal = node.getChild('StringLiteral')!;
    return {
      node,
      matcher: { name: expr.slice(name.from, name.to), type: expr.slice(op.from, op.to) as MatchType, value: unquote(expr.slice(literal.from, literal.to), literal.from) },
    };
  });
}

function selectorEdits(expr: string, selector: SyntaxNode, enforced: readonly EnforcedLabel[]): Edit[] {
  const written = matchersOf(expr, selector);
  const edits: Edit[] = [];
  const additions: string[] = [];
  for (const label of enforced) {
    const enforcedText = formatEnforced(label);
    let replaced = false;
    for (const { node, matcher } of written.filter((w) => w.matcher.name === label.name)) {
      assertCompatible(matcher, label, node.from);
      if (!replaced && 'values' in label && matcher.type === '=' && label.values.length === 1 && matcher.value === label.values[0]) {
        edits.push({ from: node.from, to: node.to, text: enforcedText });
        replaced = true;
      }
    }
    if (!replaced) additions.push(enforcedText);
  }
  if (additions.length === 0) return edits;
  const list = selector.getChild('LabelMatchers');
  if (list === null) return [...edits, { from: selector.to, to: selector.to, text: `{${additions.join(', ')}}` }];
  const close = list.to - 1;
  const before = expr.slice(list.from, close).trimEnd();
  const separator = before.endsWith('{') || before.endsWith(',') ? '' : ', ';
  return [...edits, { from: close, to: close, text: `${separator}${additions.join(', ')}` }];
}

/** A written matcher on an enforced label must admit at least one enforced value, or the author asked for someone else's data. */
function assertCompatible(matcher: SelectorMatcher, label: EnforcedLabel, position: number): void {
  // An operator's selector matcher (`namespace!~"kube-.*"`) is added beside whatever is written: together they can only narrow.
  if (!('values' in label)) return;
  let compiled: Matcher;
  try {
    compiled = new Matcher(matcher.name, matcher.type, matcher.value);
  } catch (error) {
    if (error instanceof InvalidMatcherError) throw new ExpressionError(`${error.message} (position ${position})`, position);
    throw error;
  }
  if (!label.values.some((value) => compiled.matchesValue(value))) {
    const allowed = label.values.map((v) => JSON.stringify(v)).join(', ');
    throw new ExpressionError(
      `matcher ${matcher.name}${matcher.type}${JSON.stringify(matcher.value)} at position ${position} selects outside this group's ${label.name} (${allowed})`,
      position,
    );
  }
}

function formatEnforced(label: EnforcedLabel): string {
  if (!('values' in label)) return `${label.name}${label.matcher.type}${quote(label.matcher.value)}`;
  if (label.values.length === 1) return `${label.name}=${quote(label.values[0]!)}`;
  return `${label.name}=~${quote(label.values.map(escapeRegex).join('|'))}`;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

/** The value of a PromQL string literal: Go's escapes in '…' and "…", none in `…`. */
function unquote(literal: string, position: number): string {
  const quoteChar = literal[0];
  const body = literal.slice(1, -1);
  if (quoteChar === '`') return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = body[i + 1] ?? '';
    if (next in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[next];
      i += 1;
      continue;
    }
    const hex = { x: 2, u: 4, U: 8 }[next as 'x' | 'u' | 'U'];
    if (hex !== undefined && /^[0-9a-fA-F]+$/.test(body.slice(i + 2, i + 2 + hex)) && body.slice(i + 2, i + 2 + hex).length === hex) {
      const code = parseInt(body.slice(i + 2, i + 2 + hex), 16);
      out += next === 'x' ? String.fromCharCode(code) : String.fromCodePoint(code);
      i += 1 + hex;
      continue;
    }
    if (/^[0-7]{3}$/.test(body.slice(i + 1, i + 4))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
      continue;
    }
    throw new ExpressionError(`invalid escape \\${next} in string at position ${position}`, position);
  }
  return out;
}
