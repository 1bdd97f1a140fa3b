import { describe, expect, it } from 'vitest';
import { compileCondition, formatCondition, normalizeSignal, parseCondition, RuleSyntaxError } from '../../../lib/rules/index.js';
import { auditEvent, coreEvent } from './fixtures.js';

const matches = (source: string, doc: Record<string, unknown>): boolean => compileCondition(source).test(doc);

const syntaxError = (source: string): RuleSyntaxError => {
  try {
    compileCondition(source);
  } catch (error) {
    if (error instanceof RuleSyntaxError) return error;
    throw error;
  }
  throw new Error(`"${source}" compiled`);
};

describe('compileCondition', () => {
  describe('comparisons', () => {
    const doc = { reason: 'BackOff', count: 7, ratio: '0.5', code: '403', ok: true, text: 'yes', ts: '2024-05-14T08:00:00Z' };

    it.each([
      ['reason = "BackOff"', true],
      ['reason == "BackOff"', true],
      ["reason = 'BackOff'", true],
      ['reason = "backoff"', false],
      ['reason != "BackOff"', false],
      ['reason <> "Failed"', true],
      ['count = 7', true],
      ['count = "7"', true],
      ['count = 7.0', true],
      ['count != 8', true],
      ['count > 3', true],
      ['count >= 7', true],
      ['count < 7', false],
      ['count <= 7', true],
      ['count > -1', true],
      ['ratio > 0.25', true],
      ['code = 403', true],
      ['code >= 400', true],
      ['ts > "2024-05-14T07:59:59Z"', true],
      ['ts < "2024-05-14T07:59:59Z"', false],
      ['ok = true', true],
      ['ok = TRUE', true],
      ['ok != false', true],
      ['ok', true],
      ['text = true', false],
    ])('evaluates %s as %s', (source, expected) => {
      expect(matches(source, doc)).toBe(expected);
    });

    it('compares a non-numeric value with a number as false, and != as true', () => {
      expect(matches('reason > 3', doc)).toBe(false);
      expect(matches('reason = 3', doc)).toBe(false);
      expect(matches('reason != 3', doc)).toBe(true);
    });
  });

  describe('string operators', () => {
    const doc = { message: 'Back-off restarting failed container web in pod web-1', ns: 'test-42', multi: 'line one\nline two' };

    it.each([
      ['message contains "restarting"', true],
      ['message not contains "restarting"', false],
      ['message startswith "Back-off"', true],
      ['message not startswith "Back-off"', false],
      ['message endswith "web-1"', true],
      ['message endswith "web"', false],
      ['message not endswith "web"', true],
      ['ns like "test*"', true],
      ['ns like "*42"', true],
      ['ns like "test-??"', true],
      ['ns like "test"', false],
      ['ns not like "prod*"', true],
      ['ns like "*es*"', true],
      ['message regex "Back-off.*"', true],
      ['message regex "restarting"', false],
      ['message regex ".*restarting.*"', true],
      ['message not regex ".*restarting.*"', false],
      ['message =~ "Back.*1"', true],
      ['message !~ "Back.*1"', false],
      ['multi regex ".*two"', true],
      ['ns regex "test-\\d+"', true],
      ['ns regex "test-\\\\d+"', true],
      ['message contains 1', true],
    ])('evaluates %s as %s', (source, expected) => {
      expect(matches(source, doc)).toBe(expected);
    });

    it('treats glob metacharacters other than * and ? literally, and \\ as an escape', () => {
      expect(matches('v like "a.b*"', { v: 'a.bc' })).toBe(true);
      expect(matches('v like "a.b*"', { v: 'axbc' })).toBe(false);
      expect(matches('v like "(x)+"', { v: '(x)+' })).toBe(true);
      expect(matches('v like "a\\\\*"', { v: 'a*' })).toBe(true);
      expect(matches('v like "a\\\\*"', { v: 'ab' })).toBe(false);
    });

    it('runs a catastrophic-backtracking pattern in linear time', () => {
      const condition = compileCondition('v regex "(a+)+$"');
      const input = `${'a'.repeat(50_000)}!`;
      const started = performance.now();
      expect(condition.test({ v: input })).toBe(false);
      expect(performance.now() - started).toBeLessThan(2_000);
    });
  });

  describe('in lists', () => {
    it.each([
      ['kind in ("Pod", "ReplicaSet")', { kind: 'Pod' }, true],
      ['kind in ("Pod", "ReplicaSet",)', { kind: 'Job' }, false],
      ['kind not in ("Pod")', { kind: 'Job' }, true],
      ['kind not in ("Pod")', { kind: 'Pod' }, false],
      ['code in (401, 403)', { code: 403 }, true],
      ['code in (401, 403)', { code: '403' }, true],
      ['code in ("403")', { code: 403 }, true],
      ['flag in (true)', { flag: 'True' }, true],
    ])('evaluates %s against %j as %s', (source, doc, expected) => {
      expect(matches(source, doc)).toBe(expected);
    });
  });

  describe('a missing field', () => {
    // The documented table: positive operators false, negated operators false
    // (reference semantics: "exists and not ..."), not exists and unary not true.
    const empty = {};
    const nulled = { f: null };

    it.each([
      ['f = "x"', false],
      ['f != "x"', false],
      ['f <> "x"', false],
      ['f > 1', false],
      ['f <= "z"', false],
      ['f = true', false],
      ['f != true', false],
      ['f in ("x")', false],
      ['f not in ("x")', false],
      ['f contains "x"', false],
      ['f not contains "x"', false],
      ['f startswith "x"', false],
      ['f not startswith "x"', false],
      ['f endswith "x"', false],
      ['f not endswith "x"', false],
      ['f like "*"', false],
      ['f not like "x*"', false],
      ['f regex ".*"', false],
      ['f not regex "x"', false],
      ['f =~ ".*"', false],
      ['f !~ "x"', false],
      ['f exists', false],
      ['f not exists', true],
      ['f', false],
      ['not f', true],
      ['! f', true],
      ['not f = "x"', true],
      ['not (f != "x")', true],
      ['not f in ("x")', true],
    ])('treats a missing field in %s as %s', (source, expected) => {
      expect(matches(source, empty)).toBe(expected);
      expect(matches(source, nulled)).toBe(expected);
    });

    it('treats a path through a non-object as missing', () => {
      expect(matches('a.b.c exists', { a: 'text' })).toBe(false);
      expect(matches('a.b exists', { a: [{ b: 1 }] })).toBe(false);
    });

    it('does not reach prototype properties', () => {
      expect(matches('constructor exists', {})).toBe(false);
      expect(matches('a.__proto__ exists', { a: {} })).toBe(false);
      expect(matches('toString exists', { a: 1 })).toBe(false);
    });
  });

  describe('field paths', () => {
    const doc = {
      metadata: { labels: { 'app.kubernetes.io/name': 'web', app: 'shop', 'weird"key': 'q' } },
      spec: {
        containers: [
          { name: 'a', image: 'nginx:latest', ports: [{ hostPort: 0 }] },
          { name: 'b', image: 'redis:7', ports: [{ hostPort: 8080 }] },
          { name: 'c', image: 'busybox:1.36' },
        ],
      },
      user: { groups: ['dev-team', 'system:authenticated'] },
      empty: [],
    };

    it.each([
      ['metadata.labels["app.kubernetes.io/name"] = "web"', true],
      ["metadata.labels['app.kubernetes.io/name'] = 'web'", true],
      ['metadata.labels.app = "shop"', true],
      ['metadata.labels["weird\\"key"] = "q"', true],
      ['["metadata"].labels.app = "shop"', true],
      ['spec.containers[*].name = "b"', true],
      ['spec.containers[*].ports[*].hostPort > 0', true],
      ['spec.containers[0].name = "a"', true],
      ['spec.containers[1].name = "a"', false],
      ['spec.containers[9].name exists', false],
      ['spec.containers[1:].name = "a"', false],
      ['spec.containers[:1].name = "a"', true],
      ['spec.containers[*].image like "*:latest"', true],
      ['spec.containers[*].image not like "*:latest"', false],
      ['spec.containers[*].ports[*].hostPort not in (0)', false],
      ['user.groups contains "system:"', true],
      ['user.groups = "dev-team"', true],
      ['user.groups != "dev-team"', false],
      ['user.groups not in ("ops")', true],
      ['empty exists', false],
      ['metadata.labels[*] = "web"', true],
    ])('evaluates %s as %s', (source, expected) => {
      expect(matches(source, doc)).toBe(expected);
    });

    it('skips array elements that lack the key instead of failing the whole match', () => {
      expect(matches('spec.containers[*].ports[*].hostPort = 8080', doc)).toBe(true);
    });
  });

  describe('Go-style field names', () => {
    const signal = normalizeSignal(auditEvent('execPost'));

    it.each([
      ['Verb = "create"'],
      ['ObjectRef.Resource = "pods"'],
      ['ObjectRef.Subresource in ("exec", "attach")'],
      ['User.Username = "bob@example.com"'],
      ['User.username = "bob@example.com"'],
      ['user.Username = "bob@example.com"'],
      ['ResponseStatus.Code = 101'],
      ['ResponseStatus.code = 101'],
      ['RequestURI contains "/exec"'],
      ['SourceIPs contains "198.51.100.7"'],
    ])('reads %s as the JSON field', (source) => {
      expect(compileCondition(source).test(signal.doc)).toBe(true);
    });

    it('keeps the case of keys below opaque fields', () => {
      const created = normalizeSignal(auditEvent('createHostNetworkPod'));
      expect(compileCondition('RequestObject.spec.hostNetwork = true').test(created.doc)).toBe(true);
      expect(compileCondition('RequestObject.Spec.hostNetwork = true').test(created.doc)).toBe(false);
      expect(compileCondition('Verb = "create"').ast).toMatchObject({ field: { segments: [{ key: 'verb' }] } });
    });
  });

  describe('precedence', () => {
    const t = { a: 'y', b: 'y', c: 'y' };
    const row = (a: boolean, b: boolean, c: boolean) => ({ a: a ? 'y' : 'n', b: b ? 'y' : 'n', c: c ? 'y' : 'n' });

    it('binds and tighter than or', () => {
      // (a or b) and c would be false here; a or (b and c) is true.
      expect(matches('a = "y" or b = "y" and c = "y"', row(true, false, false))).toBe(true);
      expect(matches('a = "y" and b = "y" or c = "y"', row(false, false, true))).toBe(true);
    });

    it('binds not tighter than and', () => {
      // not (a and b) would be true; (not a) and b is false.
      expect(matches('not a = "y" and b = "y"', row(true, false, true))).toBe(false);
      expect(matches('not a = "n" and b = "y"', t)).toBe(true);
      expect(matches('! a = "y" or b = "y"', row(true, true, true))).toBe(true);
    });

    it('lets parentheses override precedence', () => {
      expect(matches('(a = "y" or b = "y") and c = "y"', row(true, false, false))).toBe(false);
      expect(matches('not (a = "y" and b = "y")', row(true, false, true))).toBe(true);
    });

    it('accepts keywords in any case and "not in" split by any whitespace', () => {
      expect(matches('a = "y" AND b = "y" Or c = "n"', t)).toBe(true);
      expect(matches('a NOT\n  IN ("n")', t)).toBe(true);
      expect(matches('NOT a = "n"', t)).toBe(true);
    });

    it('reads "not f = x" as negation, which the reference engine cannot parse', () => {
      expect(matches('not a = "n"', t)).toBe(true);
    });

    it('accepts the constants true and false as conditions', () => {
      expect(matches('true', {})).toBe(true);
      expect(matches('false or a = "y"', t)).toBe(true);
    });

    it('warns where the reference engine would read the condition differently', () => {
      expect(compileCondition('a = "y" or b = "y" and c = "y"').warnings).toHaveLength(1);
      expect(compileCondition('not a = "y" and b = "y"').warnings).toHaveLength(1);
      expect(compileCondition('(a = "y" or b = "y") and c = "y"').warnings).toHaveLength(0);
      expect(compileCondition('a = "y" or (b = "y" and c = "y")').warnings).toHaveLength(0);
      expect(compileCondition('not (a = "y") and b = "y"').warnings).toHaveLength(0);
    });
  });

  describe('string literals', () => {
    it('unescapes \\" \\\\ \\n \\t and \\u, and keeps unknown escapes for regexes', () => {
      expect(matches('v = "say \\"hi\\""', { v: 'say "hi"' })).toBe(true);
      expect(matches("v = 'it\\'s'", { v: "it's" })).toBe(true);
      expect(matches('v = "a\\\\b"', { v: 'a\\b' })).toBe(true);
      expect(matches('v = "a\\nb\\tc"', { v: 'a\nb\tc' })).toBe(true);
      expect(matches('v = "\\u00e9t\\u00e9"', { v: 'été' })).toBe(true);
      expect(matches('v regex "\\d+"', { v: '42' })).toBe(true);
    });

    it('keeps ${...} inside a string literal as text', () => {
      expect(matches('v = "${pod}"', { v: '${pod}' })).toBe(true);
    });
  });

  describe('kube-events default rules', () => {
    it('matches ContainerBackoff on a core/v1 BackOff event', () => {
      const condition = compileCondition(
        'type="Warning" and involvedObject.kind="Pod" and reason="BackOff" and involvedObject.fieldPath != "" and count>3',
      );
      expect(condition.test(normalizeSignal(coreEvent('crashLoopBackOff')).doc)).toBe(true);
      expect(condition.test(normalizeSignal(coreEvent('unhealthyOnce')).doc)).toBe(false);
    });

    it('matches PodFailed on an event without fieldPath, as kube-events does with zero values', () => {
      const condition = compileCondition('type="Warning" and involvedObject.kind="Pod" and reason="Failed" and involvedObject.fieldPath=""');
      expect(condition.test(normalizeSignal(coreEvent('podFailedNoFieldPath')).doc)).toBe(true);
      expect(condition.test(normalizeSignal(coreEvent('errImagePull')).doc)).toBe(false);
    });

    it('parses the engine README example', () => {
      const condition = compileCondition(
        '(metadata.namespace in ("kube-system", "default") or count >= 20) and involvedObject.apiVersion contains "v1"',
      );
      expect(condition.test(normalizeSignal(coreEvent('kubeSystemBackOff')).doc)).toBe(true);
      expect(condition.test(normalizeSignal(coreEvent('crashLoopBackOff')).doc)).toBe(false);
    });
  });

  describe('syntax errors', () => {
    it.each([
      ['', 1, 1, 'end of condition'],
      ['reason =', 1, 9, 'end of condition'],
      ['reason = "x" and', 1, 17, 'end of condition'],
      ['reason "x"', 1, 8, '"x"'],
      ['(reason = "x"', 1, 14, 'end of condition'],
      ['reason = "x")', 1, 13, ')'],
      ['reason = "unterminated', 1, 10, 'end of condition'],
      ['reason regex "(*"', 1, 14, '"(*"'],
      ['reason\n  and kind ==', 2, 14, 'end of condition'],
      ['kind in "Pod"', 1, 9, '"Pod"'],
      ['kind in ()', 1, 10, ')'],
      ['kind not = "x"', 1, 10, '='],
      ['kind < true', 1, 8, 'true'],
      ['labels[x] = 1', 1, 8, '"x"'],
      ['a. = 1', 1, 3, '" "'],
      ['a = 1 # comment', 1, 7, '"#"'],
      ['reason like 5', 1, 13, '5'],
    ])('reports %j at line %i, column %i, found %s', (source, line, column, found) => {
      const error = syntaxError(source);
      expect(error.name).toBe('RuleSyntaxError');
      expect(error.position.line).toBe(line);
      expect(error.position.column).toBe(column);
      expect(error.found).toBe(found);
      expect(error.expected.length).toBeGreaterThan(0);
    });

    it('carries offset, line, column and expectations in its JSON body', () => {
      const error = syntaxError('type = "Warning" and\nreason in');
      expect(error.toJSON()).toEqual({
        error: 'RuleSyntaxError',
        message: expect.stringContaining('line 2, column 10'),
        field: 'condition',
        offset: 30,
        line: 2,
        column: 10,
        expected: expect.arrayContaining(['(', '${list}']),
        found: 'end of condition',
      });
    });

    it('refuses conditions nested too deeply for the stack', () => {
      expect(() => compileCondition(`${'('.repeat(200)}a${')'.repeat(200)}`)).toThrow(RuleSyntaxError);
      expect(() => compileCondition(`${'not '.repeat(200)}a`)).toThrow(RuleSyntaxError);
    });

    it('refuses an overlong condition', () => {
      expect(() => compileCondition(`a = "${'x'.repeat(20_000)}"`)).toThrow(/longer than/);
    });
  });
});

describe('formatCondition', () => {
  it.each([
    'type = "Warning" and (reason = "A" or reason = "B")',
    'not (a = 1 and b != "x") or c exists',
    'metadata.labels["app.kubernetes.io/name"] not in ("web", 3, true)',
    'spec.containers[*].ports[0].hostPort >= 1 and s[1:2] like "a\\\\*\\"b\\n"',
    'v regex ".*\\\\d.*" and not w and u not exists',
    '["in"] = 1',
  ])('prints %s so that it parses back to the same tree', (source) => {
    const first = parseCondition(source).ast;
    const printed = formatCondition(first);
    expect(parseCondition(printed).ast).toEqual(first);
  });
});
