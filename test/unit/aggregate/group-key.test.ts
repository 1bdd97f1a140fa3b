import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareBytes } from '../../../lib/aggregate/group-key.js';
import {
  formatLabelSet,
  goQuote,
  groupIdentity,
  groupKey,
  groupKeyHash,
  groupLabelsFor,
  partitionAlerts,
} from '../../../lib/aggregate/index.js';
import { TARGET, firingAlert, podAlert } from './builders.js';

describe('groupLabelsFor', () => {
  it("takes the alert's values of the group_by labels and omits missing ones", () => {
    const labels = { alertname: 'HighErrorRate', tenant: 'acme', severity: 'critical' };

    expect(groupLabelsFor(labels, ['tenant', 'alertname', 'cluster'])).toEqual({ alertname: 'HighErrorRate', tenant: 'acme' });
  });

  it("takes every label for '...'", () => {
    const labels = { alertname: 'X', pod: 'p-1', namespace: 'shop' };

    expect(groupLabelsFor(labels, ['...'])).toEqual(labels);
  });

  it('takes nothing for an empty group_by (one group per receiver)', () => {
    expect(groupLabelsFor({ alertname: 'X' }, [])).toEqual({});
  });

  it('leaves out empty values, which Alertmanager drops at ingest', () => {
    expect(groupLabelsFor({ alertname: 'X', team: '' }, ['alertname', 'team'])).toEqual({ alertname: 'X' });
  });
});

describe('groupKey', () => {
  it("prints Alertmanager's documented format: route key, colon, sorted quoted labels", () => {
    const labels = groupLabelsFor({ tenant: 'acme', alertname: 'HighErrorRate', pod: 'a' }, ['tenant', 'alertname']);

    expect(groupKey('{}', labels)).toBe('{}:{alertname="HighErrorRate", tenant="acme"}');
  });

  it('matches the nested-route example from the Alertmanager notes', () => {
    const key = groupKey('{}/{team="frontend"}', { cluster: 'prod', alertname: 'HighLatency' });

    expect(key).toBe('{}/{team="frontend"}:{alertname="HighLatency", cluster="prod"}');
  });

  it('prints an empty label set as {}', () => {
    expect(groupKey('{}', {})).toBe('{}:{}');
  });

  it('sorts names byte-wise as Go does (upper case before lower case, _ between)', () => {
    expect(formatLabelSet({ b: '1', B: '2', _a: '3', a: '4' })).toBe('{B="2", _a="3", a="4", b="1"}');
  });
});

describe('goQuote', () => {
  it.each([
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['C:\\path', '"C:\\\\path"'],
    ['line\nbreak\ttab\r', '"line\\nbreak\\ttab\\r"'],
    ['bell\u0007', '"bell\\a"'],
    ['ctl\u0001\u007f', '"ctl\\x01\\x7f"'],
    ['café 日本 🔥', '"café 日本 🔥"'],
    ['nbsp\u00a0zwsp\u200b', '"nbsp\\u00a0zwsp\\u200b"'],
    ['private\u{f0000}', '"private\\U000f0000"'],
  ])('quotes %j as Go strconv.Quote', (value, quoted) => {
    expect(goQuote(value)).toBe(quoted);
  });
});

describe('groupKeyHash', () => {
  it('is the SHA-256 hex of the group key, as PagerDuty dedup_key in Alertmanager', () => {
    const hash = groupKeyHash('{}:{alertname="Watchdog"}');

    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash.startsWith('2f204ce4')).toBe(true);
    expect(hash.endsWith('8edef9')).toBe(true);
  });
});

describe('partitionAlerts', () => {
  it('splits alerts into one batch per group, in group-key order', () => {
    const alerts = [
      firingAlert(podAlert('a', { namespace: 'web' })),
      firingAlert(podAlert('b', { namespace: 'shop' })),
      firingAlert(podAlert('c', { namespace: 'web' })),
    ];

    const batches = partitionAlerts(alerts, TARGET, ['alertname', 'namespace']);

    expect(batches.map((batch) => batch.group.key)).toEqual([
      '{}:{alertname="PodCrashLooping", namespace="shop"}',
      '{}:{alertname="PodCrashLooping", namespace="web"}',
    ]);
    expect(batches.map((batch) => batch.alerts.length)).toEqual([1, 2]);
  });

  it("makes one group per alert with '...'", () => {
    const alerts = [firingAlert(podAlert('a')), firingAlert(podAlert('b')), firingAlert(podAlert('a'))];

    const batches = partitionAlerts(alerts, TARGET, ['...']);

    expect(batches).toHaveLength(2);
    expect(batches[0]?.group.key).toBe(
      '{}:{alertname="PodCrashLooping", namespace="shop", pod="a", severity="warning"}',
    );
  });

  it('gives the group an id that is the hash of its key and carries the receiver', () => {
    const group = groupIdentity(TARGET, podAlert('a'), ['alertname']);

    expect(group).toEqual({
      receiver: TARGET.receiver,
      routeKey: '{}',
      key: '{}:{alertname="PodCrashLooping"}',
      id: groupKeyHash('{}:{alertname="PodCrashLooping"}'),
      labels: { alertname: 'PodCrashLooping' },
    });
  });
});

describe('compareBytes', () => {
  it('orders any two strings as their UTF-8 bytes order (Go string order), surrogate pairs and all', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom('a', 'b', 'é', '\u{e000}', '\u{ffff}', '😀', '\u{10000}'), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary', maxLength: 1 })) });
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(Math.sign(compareBytes(a, b))).toBe(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
      }),
    );
  });
});
