import { describe, expect, it } from 'vitest';
import { parseMatchers } from '../../../lib/matchers/parse.js';
import { compileSelector, SelectorValidationError, selectorFromMatchers } from '../../../lib/matchers/selector.js';
import type { LabelSelectorRequirement, SelectorSpec } from '../../../lib/matchers/selector.js';

const podAlert = { alertname: 'KubePodCrashLooping', namespace: 'shop', severity: 'warning', pod: 'cart-1' };

function validationError(spec: SelectorSpec): SelectorValidationError {
  try {
    compileSelector(spec);
  } catch (error) {
    if (error instanceof SelectorValidationError) return error;
    throw error;
  }
  throw new Error('expected the selector to be rejected');
}

describe('compileSelector', () => {
  describe('Kubernetes label selectors', () => {
    it('requires every matchLabels pair', () => {
      const selector = compileSelector({ matchLabels: { namespace: 'shop', severity: 'warning' } });
      expect(selector.matches(podAlert)).toBe(true);
      expect(selector.matches({ ...podAlert, severity: 'critical' })).toBe(false);
      expect(selector.matches({ namespace: 'shop' })).toBe(false);
    });

    it('applies In, NotIn, Exists and DoesNotExist with Kubernetes semantics', () => {
      const expression = (requirement: LabelSelectorRequirement) =>
        compileSelector({ matchExpressions: [requirement] });
      const inSet = expression({ key: 'severity', operator: 'In', values: ['warning', 'critical'] });
      const notIn = expression({ key: 'severity', operator: 'NotIn', values: ['info'] });
      const exists = expression({ key: 'pod', operator: 'Exists' });
      const absent = expression({ key: 'pod', operator: 'DoesNotExist' });

      expect(inSet.matches(podAlert)).toBe(true);
      expect(inSet.matches({ alertname: 'X' })).toBe(false);
      expect(notIn.matches(podAlert)).toBe(true);
      expect(notIn.matches({ ...podAlert, severity: 'info' })).toBe(false);
      expect(notIn.matches({ alertname: 'NoSeverity' })).toBe(true);
      expect(exists.matches(podAlert)).toBe(true);
      expect(exists.matches({ alertname: 'NodeDown' })).toBe(false);
      expect(absent.matches({ alertname: 'NodeDown' })).toBe(true);
      expect(absent.matches(podAlert)).toBe(false);
    });

    it('treats a label with an empty value as absent, as the Prometheus data model does', () => {
      const exists = compileSelector({ matchExpressions: [{ key: 'pod', operator: 'Exists' }] });
      expect(exists.matches({ pod: '' })).toBe(false);
    });
  });

  it('accepts Alertmanager matchers as strings, braced lists or API v2 objects', () => {
    const selector = compileSelector({
      matchers: [
        'alertname=~"KubePod.*"',
        '{namespace="shop", severity!="info"}',
        { name: 'pod', value: 'cart-.*', isRegex: true },
      ],
    });
    expect(selector.matches(podAlert)).toBe(true);
    expect(selector.matches({ ...podAlert, pod: 'web-1' })).toBe(false);
  });

  it('ANDs a label selector with matchers', () => {
    const selector = compileSelector({
      matchLabels: { namespace: 'shop' },
      matchExpressions: [{ key: 'severity', operator: 'In', values: ['warning', 'critical'] }],
      matchers: ['alertname!="Watchdog"'],
    });
    expect(selector.matches(podAlert)).toBe(true);
    expect(selector.matches({ ...podAlert, alertname: 'Watchdog' })).toBe(false);
    expect(selector.matches({ ...podAlert, namespace: 'ops' })).toBe(false);
  });

  it('selects everything when empty', () => {
    const selector = compileSelector({});
    expect(selector.isEmpty).toBe(true);
    expect(selector.matches({})).toBe(true);
  });

  it('names the first unmet requirement for explanations', () => {
    const selector = compileSelector({
      matchLabels: { namespace: 'shop' },
      matchExpressions: [{ key: 'severity', operator: 'NotIn', values: ['warning'] }],
    });
    expect(selector.firstUnmet(podAlert)).toBe('severity notin (warning)');
    expect(selector.firstUnmet({ namespace: 'shop', severity: 'critical' })).toBeUndefined();
    expect(selector.toString()).toBe('namespace in (shop) AND severity notin (warning)');
  });

  describe('validation', () => {
    it('requires values for In and NotIn', () => {
      const error = validationError({ matchExpressions: [{ key: 'severity', operator: 'In', values: [] }] });
      expect(error.name).toBe('SelectorValidationError');
      expect(error.path).toBe('matchExpressions[0].values');
      expect(error.message).toContain('must not be empty for In');
      expect(validationError({ matchExpressions: [{ key: 'a', operator: 'NotIn' }] }).path).toBe(
        'matchExpressions[0].values',
      );
    });

    it('refuses values for Exists and DoesNotExist', () => {
      const error = validationError({
        matchExpressions: [
          { key: 'pod', operator: 'Exists' },
          { key: 'node', operator: 'DoesNotExist', values: ['x'] },
        ],
      });
      expect(error.path).toBe('matchExpressions[1].values');
      expect(error.message).toContain('must be empty for DoesNotExist');
    });

    it('refuses unknown operators and empty keys', () => {
      const badOperator = { key: 'a', operator: 'Equals' } as unknown as LabelSelectorRequirement;
      expect(validationError({ matchExpressions: [badOperator] }).message).toContain(
        'must be one of In, NotIn, Exists, DoesNotExist',
      );
      expect(validationError({ matchExpressions: [{ key: '', operator: 'Exists' }] }).path).toBe(
        'matchExpressions[0].key',
      );
    });

    it('reports matcher syntax errors with the entry they are in', () => {
      const error = validationError({ matchers: ['a="b"', 'job=~"(unclosed"'] });
      expect(error.path).toBe('matchers[1]');
      expect(error.message).toContain('invalid regular expression');
    });
  });
});

describe('selectorFromMatchers', () => {
  it('wraps parsed matchers in a selector', () => {
    const selector = selectorFromMatchers(parseMatchers('namespace="shop"'));
    expect(selector.matches(podAlert)).toBe(true);
    expect(selector.spec).toEqual({ matchers: ['namespace="shop"'] });
  });
});
