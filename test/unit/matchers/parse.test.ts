import { describe, expect, it } from 'vitest';
import { MatcherParseError, parseMatcher, parseMatchers } from '../../../lib/matchers/parse.js';
import type { Matcher } from '../../../lib/matchers/matcher.js';

/** Matchers as [name, type, value] triples, so expectations read like the syntax. */
function triples(matchers: readonly Matcher[]): Array<[string, string, string]> {
  return matchers.map((m) => [m.name, m.type, m.value]);
}

function parseError(input: string, syntax?: 'fallback' | 'utf8' | 'classic'): MatcherParseError {
  try {
    parseMatchers(input, syntax === undefined ? {} : { syntax });
  } catch (error) {
    if (error instanceof MatcherParseError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe('parseMatchers', () => {
  it.each([
    ['alertname="Watchdog"', [['alertname', '=', 'Watchdog']]],
    ['severity!="info"', [['severity', '!=', 'info']]],
    ['job=~"node|kubelet"', [['job', '=~', 'node|kubelet']]],
    ['instance!~"10\\\\..*"', [['instance', '!~', '10\\..*']]],
  ])('parses the single matcher %s', (input, expected) => {
    expect(triples(parseMatchers(input))).toEqual(expected);
  });

  it('parses the braced list form with regexes, spaces and a trailing comma', () => {
    expect(triples(parseMatchers('{a="b", c=~"d|e" ,}'))).toEqual([
      ['a', '=', 'b'],
      ['c', '=~', 'd|e'],
    ]);
  });

  it('parses unquoted values as amtool accepts them', () => {
    expect(triples(parseMatchers('foo=~[a-z]+'))).toEqual([['foo', '=~', '[a-z]+']]);
    expect(triples(parseMatchers('{foo=bar,bar!=baz}'))).toEqual([
      ['foo', '=', 'bar'],
      ['bar', '!=', 'baz'],
    ]);
    expect(triples(parseMatchers('job=~.*etcd.*'))).toEqual([['job', '=~', '.*etcd.*']]);
  });

  it('keeps values the UTF-8 grammar refuses but the classic grammar read, as Alertmanager falls back', () => {
    expect(triples(parseMatchers('summary=disk full'))).toEqual([['summary', '=', 'disk full']]);
    expect(triples(parseMatchers('foo==bar'))).toEqual([['foo', '=', '=bar']]);
  });

  it('reads escaped quotes, backslashes and newlines inside quoted values', () => {
    expect(triples(parseMatchers('{quote="She said: \\"Hi, all!\\""}'))).toEqual([
      ['quote', '=', 'She said: "Hi, all!"'],
    ]);
    expect(triples(parseMatchers('path="C:\\\\temp"'))).toEqual([['path', '=', 'C:\\temp']]);
    expect(triples(parseMatchers('msg="line1\\nline2"'))).toEqual([['msg', '=', 'line1\nline2']]);
  });

  it('does not split on commas inside quoted values', () => {
    expect(triples(parseMatchers('a="x,y", b="z"'))).toEqual([
      ['a', '=', 'x,y'],
      ['b', '=', 'z'],
    ]);
  });

  it('accepts UTF-8 values quoted and unquoted', () => {
    expect(triples(parseMatchers('{foo=🙂bar}'))).toEqual([['foo', '=', '🙂bar']]);
    expect(triples(parseMatchers('team="Équipe données 数据"'))).toEqual([
      ['team', '=', 'Équipe données 数据'],
    ]);
  });

  it('accepts quoted label names that are not Prometheus identifiers', () => {
    expect(triples(parseMatchers('{"service.name"="checkout"}'))).toEqual([['service.name', '=', 'checkout']]);
  });

  it('decodes Go escapes in the UTF-8 grammar, rejecting bytes that are not UTF-8', () => {
    const options = { syntax: 'utf8' as const };
    expect(triples(parseMatchers('{"foo"="\\xf0\\x9f\\x99\\x82"}', options))).toEqual([['foo', '=', '🙂']]);
    expect(triples(parseMatchers('{"foo"="\\U0001f642"}', options))).toEqual([['foo', '=', '🙂']]);
    expect(triples(parseMatchers('foo="bar\\t"', options))).toEqual([['foo', '=', 'bar\t']]);
    expect(parseError('{"foo"="\\xf0\\x9f"}').message).toMatch(/not form valid UTF-8 at position 7/);
  });

  it('reads escapes the classic way when both grammars accept the input but disagree, as Alertmanager does', () => {
    expect(triples(parseMatchers('foo="a\\tb"'))).toEqual([['foo', '=', 'a\\tb']]);
  });

  it('gives an empty list for empty input and empty braces', () => {
    expect(parseMatchers('')).toEqual([]);
    expect(parseMatchers('{}')).toEqual([]);
    expect(parseMatchers('  ', { syntax: 'utf8' })).toEqual([]);
  });

  describe('errors', () => {
    it('is a MatcherParseError with its name, the input and the position', () => {
      const error = parseError('{foo=:"bar"}');
      expect(error).toBeInstanceOf(MatcherParseError);
      expect(error.name).toBe('MatcherParseError');
      expect(error.input).toBe('{foo=:"bar"}');
      expect(error.position).toBe(6);
      expect(error.message).toContain('unexpected "bar": expected a comma or close brace at position 6');
    });

    it.each([
      [',', 'unexpected ,: expected label name at position 0'],
      ['{,}', 'unexpected ,: expected label name at position 1'],
      ['foo="bar', 'unterminated quoted string at position 4'],
      ['a="b" c="d"', 'expected a comma or close brace at position 6'],
    ])('rejects %s: %s', (input, message) => {
      expect(parseError(input).message).toContain(message);
    });

    it('rejects a missing value, unbalanced braces and a bare "!" in the strict UTF-8 grammar', () => {
      expect(parseError('foo=', 'utf8').message).toContain('end of input: expected label value');
      expect(parseError('{foo=bar', 'utf8').message).toContain('end of input: expected close brace');
      expect(parseError('foo=bar}', 'utf8').message).toContain('unexpected }: expected opening brace at position 7');
      expect(parseError('foo!bar', 'utf8').message).toContain("expected '=' or '~' after '!' at position 3");
      expect(parseError('foo="bar\\w"', 'utf8').message).toContain('unknown escape sequence \\w at position 4');
    });

    it('rejects an invalid regular expression, naming the label', () => {
      const error = parseError('job=~"(node"');
      expect(error.message).toContain('invalid regular expression for label "job"');
      expect(error.position).toBe(5);
    });

    it('rejects Perl-only regex syntax that RE2 does not support', () => {
      expect(parseError('job=~"(?=node)"').message).toContain('invalid regular expression');
    });

    it('rejects quoted label names in the classic grammar', () => {
      expect(parseError('"foo"="bar"', 'classic').message).toContain('bad matcher format');
    });
  });
});

describe('parseMatcher', () => {
  it('parses one matcher, as amtool positional arguments are', () => {
    const matcher = parseMatcher('severity=~"critical|warning"');
    expect([matcher.name, matcher.type, matcher.value]).toEqual(['severity', '=~', 'critical|warning']);
  });

  it('rejects braces and more than one matcher', () => {
    expect(() => parseMatcher('{a="b"}')).toThrow(MatcherParseError);
    expect(() => parseMatcher('a="b", c="d"')).toThrow(/expected 1 matcher, found 2/);
    expect(() => parseMatcher('')).toThrow(/no matcher found/);
  });
});
