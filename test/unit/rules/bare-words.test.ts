import { describe, expect, it } from 'vitest';
import { assertNoUnknownBareWords } from '../../../lib/rules/bare-words.js';
import { defaultAuditRules, defaultDefinitions, defaultEventRules } from '../../../lib/rules/default-rules.js';
import { RuleValidationError } from '../../../lib/rules/errors.js';

const definitions = { macros: { backoff: 'reason = "BackOff"' }, aliases: { pod: 'involvedObject.name' } };

describe('assertNoUnknownBareWords', () => {
  it.each([
    ['type = "Warning" and backoff', 'Unknown word "backoff" at line 1, column 22: a bare word reads a boolean field, and events and audit events have no field "backoff"; for the macro "backoff", write ${backoff}'],
    ['not pod', 'Unknown word "pod" at line 1, column 5: a bare word reads a boolean field, and events and audit events have no field "pod"; for the alias "pod", write ${pod}'],
    ['(reason = "x" or\n  crashloop)', 'Unknown word "crashloop" at line 2, column 3: a bare word reads a boolean field, and events and audit events have no field "crashloop"; for a macro, define it and write ${crashloop}'],
  ])('refuses %j, naming the word and what was meant', (condition, message) => {
    expect(() => assertNoUnknownBareWords(condition, definitions)).toThrow(new RuleValidationError(message, { field: 'condition' }));
    try {
      assertNoUnknownBareWords(condition, definitions);
    } catch (error) {
      expect((error as RuleValidationError).field).toBe('condition');
    }
  });

  it.each(['${backoff} and type = "Warning"', 'requestObject.spec.hostNetwork', 'RequestObject.spec.hostNetwork and not count', 'Verb = "create"', 'reason in ("BackOff")', 'cluster and workspace'])(
    'accepts %j: macros written as ${…}, nested boolean fields and the signals’ own fields',
    (condition) => {
      expect(() => assertNoUnknownBareWords(condition, definitions)).not.toThrow();
    },
  );

  it('names the macro a bare word was written in', () => {
    expect(() => assertNoUnknownBareWords('backof', definitions, 'my-macro')).toThrow(/at line 1, column 1 in macro "my-macro"/);
  });

  it('finds nothing to refuse in the shipped rules and macros', () => {
    for (const rule of [...defaultEventRules, ...defaultAuditRules]) assertNoUnknownBareWords(rule.condition, defaultDefinitions);
    for (const [name, text] of Object.entries(defaultDefinitions.macros ?? {})) assertNoUnknownBareWords(text, defaultDefinitions, name);
    expect(defaultEventRules.length + defaultAuditRules.length).toBeGreaterThan(0);
  });
});
