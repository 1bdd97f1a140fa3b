import { describe, expect, it } from 'vitest';
import { receiverBodyOf, receiverFormOf, type ReceiverForm } from '../../../console/src/receiver-form.js';
import type { ReceiverView } from '../../../console/src/types.js';
import { ownGroupingView, putReceiverSchema, toReceiverGrouping, validSelector } from '../../../lib/api/receivers-api.js';
import { InvalidPayloadError } from '../../../lib/ingest/ingest-errors.js';
import type { SelectorSpec } from '../../../lib/matchers/selector.js';

const effective = { groupBy: ['alertname'], groupWait: '30s', groupInterval: '5m', repeatInterval: '4h', sendResolved: true, maxAlerts: 0 };
const stamps = { version: 2, createdAt: '2026-12-01T00:00:00.000Z', updatedAt: '2026-12-01T00:00:00.000Z' };

/** The body as the API's PUT reads it, and the receiver it then shows (its own grouping, filter, config selector). */
function throughApi(body: unknown): ReceiverView {
  const request = putReceiverSchema.parse(body);
  const filter = request.filter === undefined ? undefined : validSelector(request.filter as SelectorSpec, 'filter');
  return {
    name: 'pager',
    channel: request.channel,
    enabled: request.enabled,
    settings: request.settings,
    grouping: effective,
    ownGrouping: ownGroupingView(toReceiverGrouping(request.grouping)),
    ...(filter === undefined ? {} : { filter: filter as ReceiverView['filter'] }),
    ...(request.configSelector === undefined ? {} : { configSelector: request.configSelector }),
    ...stamps,
  };
}

/** The field each message of the API's refusal names. */
function refusedFields(body: unknown): string[] {
  const parsed = putReceiverSchema.safeParse(body);
  if (!parsed.success) return parsed.error.issues.map((issue) => issue.path.join('.'));
  try {
    throughApi(body);
  } catch (error) {
    if (error instanceof InvalidPayloadError) return error.issues.map((issue) => issue.field);
    throw error;
  }
  return [];
}

const newForm = (): ReceiverForm => receiverFormOf(undefined, 'pager', []);

describe("a receiver as the console's form holds it", () => {
  it('writes maxAlerts, the filter selector and the config selector as the API takes them, and reads them back as written', () => {
    const form: ReceiverForm = {
      ...newForm(),
      groupBy: 'alertname, cluster',
      repeatInterval: '1h30m',
      maxAlerts: '25',
      sendResolved: 'false',
      filter: {
        matchers: 'severity="critical"\nnamespace=~"kube-.*"',
        matchLabels: [['team', 'core']],
        matchExpressions: [
          { key: 'env', operator: 'In', values: 'prod, staging' },
          { key: 'canary', operator: 'DoesNotExist', values: '' },
        ],
      },
      configSelector: [['team', 'ops']],
    };

    const body = receiverBodyOf({ ...form, maxAlerts: ' 25 ', configSelector: [...form.configSelector, ['', '']] }, undefined, []);
    const shown = throughApi(body);

    expect(body).toMatchObject({
      grouping: { groupBy: ['alertname', 'cluster'], repeatInterval: '1h30m', maxAlerts: 25, sendResolved: false },
      filter: {
        matchLabels: { team: 'core' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'staging'] },
          { key: 'canary', operator: 'DoesNotExist' },
        ],
        matchers: ['severity="critical"', 'namespace=~"kube-.*"'],
      },
      configSelector: { team: 'ops' },
    });
    expect(shown.ownGrouping).toEqual({ groupBy: ['alertname', 'cluster'], repeatInterval: '1h30m', maxAlerts: 25, sendResolved: false });
    expect(receiverFormOf(shown, 'pager', [])).toEqual(form);
  });

  it('leaves out what is empty, so grouping keeps following the account and the filter takes every alert', () => {
    const body = receiverBodyOf(newForm(), undefined, []);

    expect(body).toEqual({ channel: 'webhook', enabled: true, settings: {} });
    expect(throughApi(body).ownGrouping).toEqual({});
    expect(receiverFormOf(throughApi(body), 'pager', [])).toEqual(newForm());
  });

  it("keeps maxAlerts 0 (no limit) as the receiver's own value, apart from unset", () => {
    const shown = throughApi(receiverBodyOf({ ...newForm(), maxAlerts: '0' }, undefined, []));

    expect(shown.ownGrouping).toEqual({ maxAlerts: 0 });
    expect(receiverFormOf(shown, 'pager', []).maxAlerts).toBe('0');
  });

  it('sends what the API must refuse as typed, so its message names the field: maxAlerts not a whole number, values for Exists, an empty label requirement key', () => {
    const form = newForm();

    expect(refusedFields(receiverBodyOf({ ...form, maxAlerts: 'lots' }, undefined, []))).toEqual(['grouping.maxAlerts']);
    expect(refusedFields(receiverBodyOf({ ...form, maxAlerts: '-1' }, undefined, []))).toEqual(['grouping.maxAlerts']);
    expect(refusedFields(receiverBodyOf({ ...form, filter: { ...form.filter, matchExpressions: [{ key: 'namespace', operator: 'Exists', values: 'shop' }] } }, undefined, []))).toEqual([
      'filter.matchExpressions[0].values',
    ]);
    expect(refusedFields(receiverBodyOf({ ...form, filter: { ...form.filter, matchExpressions: [{ key: ' ', operator: 'In', values: 'a' }] } }, undefined, []))).toEqual([
      'filter.matchExpressions[0].key',
    ]);
  });

  it('keeps the inline templates of a presentation it does not show', () => {
    const loaded: ReceiverView = { ...throughApi({ channel: 'webhook', settings: {} }), presentation: { templates: { title: '{{ .Status }}' } } };

    const body = receiverBodyOf({ ...receiverFormOf(loaded, 'pager', []), timeZone: 'Europe/Berlin' }, loaded, []);

    expect(body.presentation).toEqual({ templates: { title: '{{ .Status }}' }, timeZone: 'Europe/Berlin' });
  });
});
