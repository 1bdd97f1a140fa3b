import fc from 'fast-check';

/**
 * PromQL expressions Prometheus 2.42 accepts, built from selectors with and
 * without matchers (including ones on `namespace` that admit "shop"),
 * ranges, offsets, `@`, subqueries, aggregations, binary operators with
 * matching modifiers, functions (label-renaming ones too), and literals.
 */
const metric = fc.constantFrom('up', 'http_requests_total', 'namespace:workload_cpu_usage:sum', 'node_load1');
const matcher = fc.oneof(
  fc.constantFrom('job="api"', 'pod=~"web-.*"', 'instance!="a:9100"', 'code!~"2.."'),
  fc.constantFrom('namespace="shop"', 'namespace=~"sh.*"', 'namespace!="other"', 'namespace!~"kube-.*"'),
);
const selector = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(metric, fc.array(matcher, { maxLength: 3 })).map(([m, ms]) => (ms.length === 0 ? m : `${m}{${ms.join(', ')}}`)) },
  { weight: 1, arbitrary: fc.array(matcher, { minLength: 0, maxLength: 2 }).map((ms) => `{${['__name__=~".+"', ...ms].join(', ')}}`) },
);
const modified = fc.tuple(selector, fc.constantFrom('', ' offset 5m', ' @ 1700000000', ' offset -1m')).map(([s, m]) => `${s}${m}`);
const range = fc.tuple(modified, fc.constantFrom('[5m]', '[1h]')).map(([s, r]) => {
  // A range goes between the selector and its modifiers.
  const at = s.search(/ (offset|@) /);
  return at === -1 ? `${s}${r}` : `${s.slice(0, at)}${r}${s.slice(at)}`;
});

export const promqlExpression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: modified },
    fc.tuple(fc.constantFrom('rate', 'increase', 'max_over_time', 'absent_over_time'), range).map(([f, r]) => `${f}(${r})`),
    fc.tuple(fc.constantFrom('sum', 'max', 'count'), fc.constantFrom('', ' by (pod)', ' without (instance)'), tie('expr')).map(([a, g, e]) => `${a}${g} (${e})`),
    fc.tuple(tie('expr'), fc.constantFrom(' + ', ' / ', ' > ', ' and ', ' or ', ' unless ', ' / on() group_left() ', ' * ignoring(job) '), tie('expr')).map(([l, op, r]) => `${l}${op}${r}`),
    tie('expr').map((e) => `(${e})`),
    tie('expr').map((e) => `max_over_time((${e})[10m:1m])`),
    tie('expr').map((e) => `label_replace(${e}, "namespace", "x", "", "")`),
    fc.tuple(tie('expr'), fc.constantFrom(' > 42', ' * 2', ' > bool time()', ' + scalar(up)')).map(([e, s]) => `(${e}${s})`),
    fc.constantFrom('vector(1)', 'vector(time())'),
  ),
})).expr;

/**
 * Expressions lezer parses but that are often ill-typed for Prometheus
 * (scalars where vectors go, ranges over anything, modifiers after
 * anything), for comparing tidings' type check with Prometheus' own.
 */
export const looseExpression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: modified },
    fc.constantFrom('42', 'time()', '"text"', 'vector(1)', 'up[5m]'),
    fc.tuple(fc.constantFrom('rate', 'abs', 'scalar', 'vector', 'round', 'clamp_min', 'histogram_quantile', 'label_replace', 'sort'), fc.array(tie('expr'), { maxLength: 3 })).map(
      ([f, args]) => `${f}(${args.join(', ')})`,
    ),
    fc.tuple(fc.constantFrom('sum', 'topk', 'count_values'), fc.array(tie('expr'), { minLength: 1, maxLength: 2 })).map(([a, args]) => `${a}(${args.join(', ')})`),
    fc.tuple(tie('expr'), fc.constantFrom(' + ', ' > ', ' > bool ', ' and ', ' / on() ', ' unless '), tie('expr')).map(([l, op, r]) => `${l}${op}${r}`),
    tie('expr').map((e) => `(${e})`),
    tie('expr').map((e) => `-${e}`),
    tie('expr').map((e) => `(${e})[10m:1m]`),
    tie('expr').map((e) => `${e} offset 5m`),
    tie('expr').map((e) => `${e} @ 100`),
  ),
})).expr;
