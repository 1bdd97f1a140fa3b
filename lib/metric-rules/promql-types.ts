import type { parser } from '@prometheus-io/lezer-promql';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/** PromQL value types, as Prometheus' parser checks them. */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** An expression that parses but that Prometheus would refuse (a type error). */
export class TypeCheckError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'TypeCheckError';
  }
}

const V = 'vector';
const M = 'matrix';
const S = 'scalar';
const STR = 'string';

interface Signature {
  args: ValueType[];
  /** How many of the last `args` may be left out. */
  optional?: number;
  /** The last argument may repeat. */
  variadic?: boolean;
  returns: ValueType;
}

const sig = (args: ValueType[], returns: ValueType, extra: Partial<Signature> = {}): Signature => ({ args, returns, ...extra });

/**
 * The functions of Prometheus 2.42 (promql/parser/functions.go) with their
 * argument types. Later functions parse with lezer's newer grammar but are
 * refused: a rule file with one of them would not load in a 2.x ruler.
 */
const FUNCTIONS: Record<string, Signature> = {
  ...Object.fromEntries(
    ['abs', 'absent', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'ceil', 'cos', 'cosh', 'deg', 'exp', 'floor', 'histogram_count', 'histogram_sum', 'ln', 'log10', 'log2', 'rad', 'sgn', 'sin', 'sinh', 'sort', 'sort_desc', 'sqrt', 'tan', 'tanh', 'timestamp'].map((f) => [f, sig([V], V)]),
  ),
  ...Object.fromEntries(
    ['absent_over_time', 'avg_over_time', 'changes', 'count_over_time', 'delta', 'deriv', 'idelta', 'increase', 'irate', 'last_over_time', 'max_over_time', 'min_over_time', 'present_over_time', 'rate', 'resets', 'stddev_over_time', 'stdvar_over_time', 'sum_over_time'].map((f) => [f, sig([M], V)]),
  ),
  ...Object.fromEntries(['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year'].map((f) => [f, sig([V], V, { optional: 1 })])),
  clamp: sig([V, S, S], V),
  clamp_max: sig([V, S], V),
  clamp_min: sig([V, S], V),
  histogram_fraction: sig([S, S, V], V),
  histogram_quantile: sig([S, V], V),
  holt_winters: sig([M, S, S], V),
  label_join: sig([V, STR, STR, STR], V, { optional: 1, variadic: true }),
  label_replace: sig([V, STR, STR, STR, STR], V),
  pi: sig([], S),
  predict_linear: sig([M, S], V),
  quantile_over_time: sig([S, M], V),
  round: sig([V, S], V, { optional: 1 }),
  scalar: sig([V], S),
  time: sig([], S),
  vector: sig([S], V),
};

const AGGREGATIONS: Record<string, ValueType[]> = {
  ...Object.fromEntries(['sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar'].map((a) => [a, [V]])),
  topk: [S, V],
  bottomk: [S, V],
  quantile: [S, V],
  count_values: [STR, V],
};

const EXPRESSIONS = new Set([
  'AggregateExpr',
  'BinaryExpr',
  'FunctionCall',
  'MatrixSelector',
  'NumberDurationLiteral',
  'OffsetExpr',
  'ParenExpr',
  'StringLiteral',
  'SubqueryExpr',
  'UnaryExpr',
  'VectorSelector',
  'StepInvariantExpr',
]);
const COMPARISONS = new Set(['Eql', 'Neq', 'Gtr', 'Lss', 'Gte', 'Lte']);
const SET_OPERATORS = new Set(['And', 'Or', 'Unless']);
const SELECTORS = new Set(['VectorSelector', 'MatrixSelector', 'SubqueryExpr']);

function expressionChildren(node: SyntaxNode): SyntaxNode[] {
  const children: SyntaxNode[] = [];
  for (let child = node.firstChild; child !== null; child = child.nextSibling) if (EXPRESSIONS.has(child.name)) children.push(child);
  return children;
}

function fail(message: string, node: SyntaxNode): never {
  throw new TypeCheckError(`${message} (position ${node.from})`, node.from);
}

function expect(node: SyntaxNode, actual: ValueType, wanted: ValueType, what: string): void {
  if (actual !== wanted) fail(`${what}: expected ${wanted}, got ${actual}`, node);
}

/**
 * The type of a parsed expression, checked as Prometheus 2.42's parser
 * checks it: lezer's grammar accepts `sum(42)` or `rate(sum(x)[5m])`, which
 * Prometheus refuses, and one such rule would stop a cluster's whole rule
 * file from loading. The expression of a rule must be a vector or a scalar.
 */
export function checkRuleExpressionType(top: SyntaxNode, source: string): ValueType {
  const root = expressionChildren(top)[0];
  if (root === undefined) fail('no expression', top);
  const type = typeOf(root, source);
  if (type !== V && type !== S) fail(`a rule's expression must be an instant vector or a scalar, not a ${type}`, root);
  return type;
}

function typeOf(node: SyntaxNode, source: string): ValueType {
  const operands = expressionChildren(node);
  switch (node.name) {
    case 'NumberDurationLiteral':
      return S;
    case 'StringLiteral':
      return STR;
    case 'VectorSelector':
      return V;
    case 'MatrixSelector':
      if (operands[0]?.name !== 'VectorSelector') fail('ranges are only allowed on vector selectors', node);
      return M;
    case 'SubqueryExpr':
      expect(node, typeOf(operands[0]!, source), V, 'subquery');
      return M;
    case 'OffsetExpr':
    case 'StepInvariantExpr':
      assertModifierTarget(node, operands[0]!);
      return typeOf(operands[0]!, source);
    case 'ParenExpr':
      return typeOf(operands[0]!, source);
    case 'UnaryExpr': {
      const type = typeOf(operands[0]!, source);
      if (type !== S && type !== V) fail(`unary operator on a ${type}`, node);
      return type;
    }
    case 'FunctionCall':
      return callType(node, source);
    case 'AggregateExpr':
      return aggregationType(node, source);
    case 'BinaryExpr':
      return binaryType(node, source);
    default:
      return fail(`unsupported expression ${node.name}`, node);
  }
}

/**
 * An `offset` or `@` must follow a selector or a subquery, once each.
 * lezer's tree hangs the modifier over a whole binary or unary expression
 * (`a + b offset 5m`); Prometheus binds it to the operand just before it,
 * so the right-hand operands are followed down to find it.
 */
function assertModifierTarget(modifier: SyntaxNode, operand: SyntaxNode): void {
  const seen = new Set([modifier.name]);
  let target = operand;
  for (;;) {
    if (target.name === 'BinaryExpr' || target.name === 'UnaryExpr') {
      const operands = expressionChildren(target);
      target = operands[operands.length - 1]!;
    } else if (target.name === 'OffsetExpr' || target.name === 'StepInvariantExpr') {
      if (seen.has(target.name)) fail(`${target.name === 'OffsetExpr' ? 'offset' : '@'} may be given only once per selector`, modifier);
      seen.add(target.name);
      target = expressionChildren(target)[0]!;
    } else {
      break;
    }
  }
  if (!SELECTORS.has(target.name)) fail(`${modifier.name === 'OffsetExpr' ? 'offset' : '@'} must follow a selector or a subquery`, modifier);
}

function argumentsOf(node: SyntaxNode): SyntaxNode[] {
  const body = node.getChild('FunctionCallBody');
  return body === null ? [] : expressionChildren(body);
}

function callType(node: SyntaxNode, source: string): ValueType {
  const identifier = node.getChild('FunctionIdentifier')!;
  const name = source.slice(identifier.from, identifier.to);
  const signature = FUNCTIONS[name];
  if (signature === undefined) fail(`function ${name} is not in Prometheus 2.42`, node);
  const args = argumentsOf(node);
  const min = signature.args.length - (signature.optional ?? 0);
  if (args.length < min || (!signature.variadic && args.length > signature.args.length)) {
    fail(`${name} takes ${min === signature.args.length ? min : `${min} to ${signature.args.length}`} arguments, got ${args.length}`, node);
  }
  args.forEach((arg, i) => expect(arg, typeOf(arg, source), signature.args[Math.min(i, signature.args.length - 1)]!, `argument ${i + 1} of ${name}`));
  return signature.returns;
}

function aggregationType(node: SyntaxNode, source: string): ValueType {
  const op = node.getChild('AggregateOp')!;
  const name = source.slice(op.from, op.to).toLowerCase();
  const params = AGGREGATIONS[name];
  if (params === undefined) fail(`aggregation ${name} is not in Prometheus 2.42`, node);
  const args = argumentsOf(node);
  if (args.length !== params.length) fail(`${name} takes ${params.length} argument${params.length === 1 ? '' : 's'}, got ${args.length}`, node);
  args.forEach((arg, i) => expect(arg, typeOf(arg, source), params[i]!, `argument ${i + 1} of ${name}`));
  return V;
}

function binaryType(node: SyntaxNode, source: string): ValueType {
  const [left, right] = expressionChildren(node);
  const leftType = typeOf(left!, source);
  const rightType = typeOf(right!, source);
  for (const [side, type] of [[left!, leftType], [right!, rightType]] as const) {
    if (type !== S && type !== V) fail(`binary operators take scalars and instant vectors, not a ${type}`, side);
  }
  let operator: string | undefined;
  let bool = false;
  let matching = false;
  for (let child = left!.nextSibling; child !== null && child !== right; child = child.nextSibling) {
    if (COMPARISONS.has(child.name) || SET_OPERATORS.has(child.name) || ['Add', 'Sub', 'Mul', 'Div', 'Mod', 'Pow', 'Atan2'].includes(child.name)) operator = child.name;
    if (child.name === 'BoolModifier') bool = true;
    // As Prometheus: `on()`/`ignoring()` with no labels is allowed (and dropped) beside a scalar; a label list is not.
    if (child.name === 'MatchingModifierClause' && child.getChild('GroupingLabels')?.getChild('LabelName') != null) matching = true;
  }
  if (operator === undefined) fail('unknown binary operator', node);
  const isComparison = COMPARISONS.has(operator);
  if (bool && !isComparison) fail('bool is only allowed on comparison operators', node);
  if (SET_OPERATORS.has(operator) && (leftType !== V || rightType !== V)) fail('set operators (and, or, unless) need instant vectors on both sides', node);
  if (matching && (leftType !== V || rightType !== V)) fail('vector matching on labels (on, ignoring) needs instant vectors on both sides', node);
  if (leftType === S && rightType === S) {
    if (isComparison && !bool) fail('comparisons between scalars must use bool', node);
    return S;
  }
  return V;
}
