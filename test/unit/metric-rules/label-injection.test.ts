import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpressionError, injectLabels, selectorsOf, type EnforcedLabel } from '../../../lib/metric-rules/label-injection.js';
import { promqlExpression } from './promql-arbitrary.js';

const shop: EnforcedLabel[] = [{ name: 'namespace', values: ['shop'] }];

describe('injectLabels', () => {
  it.each([
    ['up', 'up{namespace="shop"}'],
    ['up{job="api"}', 'up{job="api", namespace="shop"}'],
    ['up{job="api",}', 'up{job="api",namespace="shop"}'],
    ['up{}', 'up{namespace="shop"}'],
    ['{__name__=~".+"}', '{__name__=~".+", namespace="shop"}'],
    ['up{namespace="shop"}', 'up{namespace="shop"}'],
    ["up{namespace='shop'}", 'up{namespace="shop"}'],
    ['up{namespace=~"sh.*"}', 'up{namespace=~"sh.*", namespace="shop"}'],
    ['up{namespace!="other"}', 'up{namespace!="other", namespace="shop"}'],
    ['rate(http_requests_total[5m])', 'rate(http_requests_total{namespace="shop"}[5m])'],
    ['sum by (pod) (rate(x[5m] offset 1h))', 'sum by (pod) (rate(x{namespace="shop"}[5m] offset 1h))'],
    ['x @ 1700000000 > 1', 'x{namespace="shop"} @ 1700000000 > 1'],
    ['max_over_time(rate(x[1m])[10m:1m])', 'max_over_time(rate(x{namespace="shop"}[1m])[10m:1m])'],
    ['a or b unless c', 'a{namespace="shop"} or b{namespace="shop"} unless c{namespace="shop"}'],
    ['a / on() group_left b', 'a{namespace="shop"} / on() group_left b{namespace="shop"}'],
    ['absent(up{job="x"})', 'absent(up{job="x", namespace="shop"})'],
    ['label_replace(up, "namespace", "other", "", "")', 'label_replace(up{namespace="shop"}, "namespace", "other", "", "")'],
    ['-up', '-up{namespace="shop"}'],
    ['(up)', '(up{namespace="shop"})'],
    ['vector(1) + time() + 2', 'vector(1) + time() + 2'],
    ['count(up) > 3 # a comment', 'count(up{namespace="shop"}) > 3 # a comment'],
  ])('%s becomes %s', (expr, injected) => {
    expect(injectLabels(expr, shop)).toBe(injected);
  });

  it('enforces several values as an escaped regex, and several labels at once', () => {
    expect(injectLabels('up', [{ name: 'cluster', values: ['eu.1', 'us'] }, ...shop])).toBe('up{cluster=~"eu\\\\.1|us", namespace="shop"}');
  });

  it('adds an operator selector matcher as written', () => {
    expect(injectLabels('up', [{ name: 'namespace', matcher: { type: '!~', value: 'kube-.*' } }])).toBe('up{namespace!~"kube-.*"}');
  });

  it.each([
    ['up{namespace="other"}', 'namespace="other"'],
    ['up{namespace=~"oth.*"}', 'namespace=~"oth.*"'],
    ['up{namespace!="shop"}', 'namespace!="shop"'],
    ['up{namespace!~"s.*"}', 'namespace!~"s.*"'],
    ['sum(rate(a[5m])) / sum(b{namespace=""})', 'namespace=""'],
  ])('refuses %s, naming the matcher that reads another namespace', (expr, named) => {
    expect(() => injectLabels(expr, shop)).toThrow(ExpressionError);
    expect(() => injectLabels(expr, shop)).toThrow(named);
  });

  it.each(['up{', 'sum(', 'up{job="a"', '', '   ', 'rate(x[5m]'])('refuses the syntax error in %j', (expr) => {
    expect(() => injectLabels(expr, shop)).toThrow(ExpressionError);
  });

  it('refuses quoted (UTF-8) names, which tidings labels and Prometheus 2 rulers cannot use', () => {
    expect(() => injectLabels('{"my.metric"}', shop)).toThrow(/quoted/);
    expect(() => injectLabels('up{"name.space"="shop"}', shop)).toThrow(/quoted/);
  });

  it('reads escapes in written values as Prometheus does', () => {
    expect(injectLabels('up{namespace="sh\\x6fp"}', shop)).toBe('up{namespace="shop"}');
    expect(injectLabels('up{namespace=`shop`}', shop)).toBe('up{namespace="shop"}');
  });

  it('puts the enforced matcher on every selector of any expression', () => {
    fc.assert(
      fc.property(promqlExpression, (expr) => {
        const injected = injectLabels(expr, shop);
        const selectors = selectorsOf(injected);
        expect(selectors.length).toBe(selectorsOf(expr).length);
        for (const matchers of selectors) {
          expect(matchers).toContainEqual({ name: 'namespace', type: '=', value: 'shop' });
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent: injecting twice changes nothing more', () => {
    fc.assert(
      fc.property(promqlExpression, (expr) => {
        const once = injectLabels(expr, shop);
        expect(injectLabels(once, shop)).toBe(once);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses any expression with a matcher that admits no enforced value', () => {
    fc.assert(
      fc.property(promqlExpression, fc.constantFrom('namespace="other"', 'namespace=~"x.+"', 'namespace!="shop"'), (expr, conflict) => {
        const poisoned = `${expr} + on() group_left y{${conflict}}`;
        expect(() => injectLabels(poisoned, shop)).toThrow(ExpressionError);
      }),
      { numRuns: 100 },
    );
  });
});

describe('type checking, as Prometheus 2.42 parses', () => {
  it.each([
    ['sum(42)', 'expected vector, got scalar'],
    ['rate(sum(up)[5m])', 'ranges are only allowed on vector selectors'],
    ['rate(up)', 'expected matrix, got vector'],
    ['up[5m]', 'not a matrix'],
    ['"text"', 'not a string'],
    ['1 and 2', 'set operators'],
    ['1 > 2', 'must use bool'],
    ['up + on(job) 1', 'vector matching'],
    ['up + bool up', 'bool is only allowed'],
    ['(sum(up))[5m:1m] offset 1m > 1', 'not a matrix'],
    ['sum(up) offset 5m', 'offset must follow'],
    ['up + sum(up) offset 5m', 'offset must follow'],
    ['atan2(up, up)', 'syntax error'],
    ['histogram_quantile(up, up)', 'argument 1 of histogram_quantile'],
    ['clamp(up, 1)', 'clamp takes 3 arguments'],
    ['topk(up)', 'topk takes 2 arguments'],
    ['mad_over_time(up[5m])', 'not in Prometheus 2.42'],
    ['limitk(2, up)', 'not in Prometheus 2.42'],
  ])('refuses %s', (expr, message) => {
    expect(() => injectLabels(expr, shop)).toThrow(message);
  });

  it.each(['1', 'vector(1) > 0', 'scalar(up) > bool 2', 'hour() == 3', 'round(up)', 'round(up, 0.5)', 'label_join(up, "a", ",", "b", "c", "d")', 'count_values("v", up)', 'quantile(0.9, up)', 'up @ end()', 'rate(up[5m] @ 100 offset 1m)', 'up + up offset 5m', 'up + -up @ 100', 'up atan2 up', '-sum(up)'])(
    'accepts %s',
    (expr) => {
      expect(() => injectLabels(expr, shop)).not.toThrow();
    },
  );
});
