import { describe, expect, it } from 'vitest';
import { InvalidMatcherError, Matcher, matchesAll, matchesEmptyLabelSet } from '../../../lib/matchers/matcher.js';
import { parseMatchers } from '../../../lib/matchers/parse.js';

const matcher = (text: string): Matcher => {
  const [only] = parseMatchers(text);
  return only!;
};

describe('Matcher', () => {
  it('anchors regular expressions at both ends, as Alertmanager does', () => {
    const m = matcher('job=~"node"');
    expect(m.matches({ job: 'node' })).toBe(true);
    expect(m.matches({ job: 'node-exporter' })).toBe(false);
    expect(m.matches({ job: 'my-node' })).toBe(false);
  });

  it('anchors every alternative of an alternation', () => {
    const m = matcher('severity=~"critical|warning"');
    expect(m.matches({ severity: 'warning' })).toBe(true);
    expect(m.matches({ severity: 'critical-ish' })).toBe(false);
    expect(m.matches({ severity: 'not-warning' })).toBe(false);
  });

  it('negates anchored regexes with !~', () => {
    const m = matcher('namespace!~"kube-.*"');
    expect(m.matches({ namespace: 'kube-system' })).toBe(false);
    expect(m.matches({ namespace: 'prod-kube-x' })).toBe(true);
  });

  it('treats a missing label as the empty string', () => {
    expect(matcher('team=""').matches({})).toBe(true);
    expect(matcher('team=""').matches({ team: 'db' })).toBe(false);
    expect(matcher('team!=""').matches({})).toBe(false);
    expect(matcher('team!=""').matches({ team: 'db' })).toBe(true);
    expect(matcher('team=~".*"').matches({})).toBe(true);
    expect(matcher('team=~".+"').matches({})).toBe(false);
    expect(matcher('team!~".+"').matches({})).toBe(true);
  });

  it('uses Go regexp semantics: dot stops at newlines and matches one code point', () => {
    expect(matcher('msg=~".*"').matches({ msg: 'a\nb' })).toBe(false);
    expect(matcher('msg=~"(?s).*"').matches({ msg: 'a\nb' })).toBe(true);
    expect(matcher('icon=~"."').matches({ icon: '🔥' })).toBe(true);
    expect(matcher('name=~"\\\\pL+"').matches({ name: 'Zoë' })).toBe(true);
  });

  it('matches a pathological pattern in linear time', () => {
    const m = matcher('path=~"(a+)+b"');
    const started = performance.now();
    expect(m.matches({ path: `${'a'.repeat(5_000)}c` })).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('refuses an empty label name and an invalid regex', () => {
    expect(() => new Matcher('', '=', 'x')).toThrow(InvalidMatcherError);
    expect(() => new Matcher('job', '=~', '[a-')).toThrow(/invalid regular expression for label "job"/);
    try {
      new Matcher('job', '=~', '(');
    } catch (error) {
      expect((error as Error).name).toBe('InvalidMatcherError');
    }
  });

  it('does not treat the value of an equality matcher as a regex', () => {
    expect(matcher('job="node.*"').matches({ job: 'node-exporter' })).toBe(false);
    expect(matcher('job="node.*"').matches({ job: 'node.*' })).toBe(true);
  });
});

describe('matchesAll', () => {
  it('requires every matcher and accepts anything with none', () => {
    const list = parseMatchers('{alertname="KubePodCrashLooping", namespace=~"prod|staging"}');
    expect(matchesAll(list, { alertname: 'KubePodCrashLooping', namespace: 'prod', pod: 'a' })).toBe(true);
    expect(matchesAll(list, { alertname: 'KubePodCrashLooping', namespace: 'dev' })).toBe(false);
    expect(matchesAll([], { anything: 'x' })).toBe(true);
  });
});

describe('matchesEmptyLabelSet', () => {
  it('is true when every matcher accepts the empty value, meaning the list matches every alert', () => {
    expect(matchesEmptyLabelSet(parseMatchers('foo=""'))).toBe(true);
    expect(matchesEmptyLabelSet(parseMatchers('foo=~".*", bar!="x"'))).toBe(true);
    expect(matchesEmptyLabelSet(parseMatchers('foo=~".*", bar="x"'))).toBe(false);
    expect(matchesEmptyLabelSet(parseMatchers('foo!=""'))).toBe(false);
  });
});
