import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiMatchType, fromApiMatcher, toApiMatcher } from '../../../lib/matchers/api-matcher.js';
import { formatMatcher, formatMatchers } from '../../../lib/matchers/format.js';
import { Matcher } from '../../../lib/matchers/matcher.js';
import type { MatchType } from '../../../lib/matchers/matcher.js';
import { parseMatchers } from '../../../lib/matchers/parse.js';

describe('formatMatcher', () => {
  it('prints amtool syntax with the value always quoted', () => {
    expect(formatMatcher(new Matcher('severity', '=~', 'critical|warning'))).toBe('severity=~"critical|warning"');
    expect(formatMatcher(new Matcher('team', '!=', ''))).toBe('team!=""');
  });

  it('escapes quotes, backslashes and newlines, and quotes names that are not identifiers', () => {
    expect(formatMatcher(new Matcher('msg', '=', 'say "hi"\\\n'))).toBe('msg="say \\"hi\\"\\\\\\n"');
    expect(formatMatcher(new Matcher('service.name', '=', 'api'))).toBe('"service.name"="api"');
  });

  it('prints a list in braces', () => {
    const list = [new Matcher('alertname', '=', 'Watchdog'), new Matcher('env', '!~', 'dev|test')];
    expect(formatMatchers(list)).toBe('{alertname="Watchdog", env!~"dev|test"}');
  });

  it('prints text that parses back to the same matchers, whatever the names and values', () => {
    const name = fc.oneof(
      fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
    );
    const spec = fc.record({
      name,
      type: fc.constantFrom<MatchType>('=', '!='),
      value: fc.string({ unit: 'binary', maxLength: 20 }),
    });
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 4 }), (specs) => {
        const matchers = specs.map((s) => new Matcher(s.name, s.type, s.value));
        const reparsed = parseMatchers(formatMatchers(matchers));
        expect(reparsed.map((m) => [m.name, m.type, m.value])).toEqual(specs.map((s) => [s.name, s.type, s.value]));
      }),
      { numRuns: 500 },
    );
  });
});

describe('API v2 matchers', () => {
  it('maps isRegex and isEqual to the four operators, isEqual defaulting to true', () => {
    expect(apiMatchType({ name: 'a', value: 'b', isRegex: false })).toBe('=');
    expect(apiMatchType({ name: 'a', value: 'b', isRegex: false, isEqual: false })).toBe('!=');
    expect(apiMatchType({ name: 'a', value: 'b', isRegex: true })).toBe('=~');
    expect(apiMatchType({ name: 'a', value: 'b', isRegex: true, isEqual: false })).toBe('!~');
  });

  it('round-trips through the compiled form with isEqual always present', () => {
    const compiled = fromApiMatcher({ name: 'job', value: 'node|kubelet', isRegex: true });
    expect(compiled.matches({ job: 'kubelet' })).toBe(true);
    expect(toApiMatcher(compiled)).toEqual({ name: 'job', value: 'node|kubelet', isRegex: true, isEqual: true });
    expect(toApiMatcher(new Matcher('env', '!=', 'dev'))).toEqual({
      name: 'env',
      value: 'dev',
      isRegex: false,
      isEqual: false,
    });
  });
});
