import { describe, expect, it } from 'vitest';
import { parseSelector, selectorText } from '../../../console/src/name-selector.js';

describe('a global rule group selector as one line of text', () => {
  it('reads names as a list and a leading operator as one matcher', () => {
    expect(parseSelector(' prod-eu, prod-us ,')).toEqual({ inValues: ['prod-eu', 'prod-us'] });
    expect(parseSelector('=~kube-.*')).toEqual({ matcher: { type: '=~', value: 'kube-.*' } });
    expect(parseSelector('!= default')).toEqual({ matcher: { type: '!=', value: 'default' } });
    expect(parseSelector('!~a|b')).toEqual({ matcher: { type: '!~', value: 'a|b' } });
    expect(parseSelector('   ')).toBeUndefined();
  });

  it('writes back what it read, so editing a group keeps its selectors', () => {
    for (const selector of [{ inValues: ['a', 'b'] }, { matcher: { type: '=~' as const, value: 'kube-.*' } }, { matcher: { type: '=' as const, value: 'x' } }]) {
      expect(parseSelector(selectorText(selector))).toEqual(selector);
    }
    expect(selectorText(undefined)).toBe('');
  });
});
