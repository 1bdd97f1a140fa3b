import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_MARSHALL_OPTIONS } from '../../../functions/shared/aws-clients.js';
import { groupLabelsFor } from '../../../lib/aggregate/group-key.js';
import { alertSchema } from '../../../lib/alert/alert-schema.js';
import { alertTextBytes, labelNameProblem, labelValue, MAX_ALERT_TEXT_BYTES, withinAlertTextLimit } from '../../../lib/alert/labels.js';
import { parseMatchers } from '../../../lib/matchers/parse.js';
import { compileSelector } from '../../../lib/matchers/selector.js';
import { alertBatchMessageSchema, parseMessage } from '../../../lib/pipeline/messages.js';
import { sqsSafe } from '../../../lib/pipeline/queue.js';
import { anAlert } from '../../helpers/builders.js';

/** Keys a user may write that collide with Object.prototype members. */
const PROTOTYPE_KEYS = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'] as const;
const edgeLabels = (): Record<string, string> => Object.fromEntries([['alertname', 'Edge'], ...PROTOTYPE_KEYS.map((key) => [key, `v-${key}`])]);

describe('label names that collide with Object.prototype', () => {
  it('round-trip through the document client marshalling, top level and nested', () => {
    // Prepare: what the firing set and the receiver store write.
    const item = { pk: 'FIRING#acme', sk: 'f', alert: { labels: edgeLabels() }, settings: { headers: { constructor: 'h', toString: 't' } }, list: [{ constructor: 'x' }] };

    // Act
    const back = unmarshall(marshall(item, DOCUMENT_MARSHALL_OPTIONS));

    // Assess
    expect(back).toEqual(item);
    expect(Object.hasOwn(back.alert.labels, 'constructor')).toBe(true);
  });

  it('are refused by the marshaller without convertClassInstanceToMap, which is why the option is set', () => {
    expect(() => marshall({ labels: { alertname: 'A', constructor: 'x' } }, { removeUndefinedValues: true })).toThrow();
    expect(DOCUMENT_MARSHALL_OPTIONS).toMatchObject({ convertClassInstanceToMap: true, removeUndefinedValues: true });
  });

  it('still marshal binary bodies and sets as before', () => {
    const item = { body: Buffer.from([1, 2, 3]), tags: new Set(['a']) };

    const marshalled = marshall(item, DOCUMENT_MARSHALL_OPTIONS);

    expect(marshalled).toEqual({ body: { B: item.body }, tags: { SS: ['a'] } });
  });

  it('lose a __proto__ key in marshalling, which is why that name is refused at the API and ingest', () => {
    const labels = JSON.parse('{"alertname":"A","__proto__":"x"}') as Record<string, string>;

    const back = unmarshall(marshall({ labels }, DOCUMENT_MARSHALL_OPTIONS));

    expect(Object.hasOwn(back.labels, '__proto__')).toBe(false);
    expect(labelNameProblem('__proto__')).toBe('the name __proto__ is reserved');
    expect(labelNameProblem('constructor')).toBeUndefined();
  });

  it('survive the queue: escaped JSON and the alert message schema keep them as own values', () => {
    const alert = anAlert({ labels: edgeLabels(), annotations: { toString: 'summary' } });
    const body = sqsSafe(JSON.stringify({ type: 'alert-batch', accountId: 'acme', clusterId: 'c1', receivedAt: '2026-11-25T10:00:00Z', alerts: [alert] }));

    const message = parseMessage(alertBatchMessageSchema, body);

    expect(message.alerts[0]!.labels).toEqual(edgeLabels());
    expect(message.alerts[0]!.annotations).toEqual({ toString: 'summary' });
    expect(alertSchema.parse(alert).labels).toEqual(edgeLabels());
  });
});

describe('labelValue', () => {
  it('reads a missing label named like a prototype member as empty, and a present one as its value', () => {
    expect(labelValue({ alertname: 'A' }, 'constructor')).toBe('');
    expect(labelValue({ alertname: 'A' }, 'toString')).toBe('');
    expect(labelValue({ constructor: 'x' }, 'constructor')).toBe('x');
  });

  it('makes matchers and selectors treat a missing `constructor` label as absent', () => {
    const [absent] = parseMatchers('constructor=""');
    const exists = compileSelector({ matchExpressions: [{ key: 'constructor', operator: 'Exists' }] });

    expect(absent!.matches({ alertname: 'A' })).toBe(true);
    expect(exists.matches({ alertname: 'A' })).toBe(false);
    expect(exists.matches({ alertname: 'A', constructor: 'x' })).toBe(true);
  });
});

describe('groupLabelsFor', () => {
  it('leaves out a groupBy label named `constructor` that the alert lacks', () => {
    expect(groupLabelsFor({ alertname: 'A' }, ['alertname', 'constructor', 'toString'])).toEqual({ alertname: 'A' });
  });

  it('groups by a `constructor` label the alert has', () => {
    expect(groupLabelsFor({ alertname: 'A', constructor: 'x' }, ['constructor'])).toEqual({ constructor: 'x' });
  });
});

describe('withinAlertTextLimit', () => {
  // Texts around the limit, of every kind of unit: ASCII, control characters JSON escapes, 3-byte and 4-byte UTF-8, lone surrogates.
  const unit = fc.constantFrom('a', '\u0001', '"', 'é', '中', '😀', '\ud800');
  const text = fc.tuple(unit, fc.integer({ min: 0, max: MAX_ALERT_TEXT_BYTES / 2 })).map(([u, n]) => u.repeat(Math.ceil(n / u.length)));

  it('says what measuring the printed text says', () => {
    fc.assert(
      fc.property(text, text, fc.string({ maxLength: 20 }), (description, summary, generatorURL) => {
        const alert = { labels: { alertname: 'Big' }, annotations: { description, summary }, generatorURL };
        expect(withinAlertTextLimit(alert)).toBe(alertTextBytes(alert) <= MAX_ALERT_TEXT_BYTES);
      }),
      { numRuns: 300 },
    );
  });
});
