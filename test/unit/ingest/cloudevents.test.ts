import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PayloadTooLargeError, UnsupportedMediaTypeError, type RawBody } from '../../../lib/http/request-body.js';
import {
  classifyCloudEvents,
  cloudEventsMode,
  parseCloudEvents,
  readCloudEventsRequest,
  type CloudEvent,
} from '../../../lib/ingest/cloudevents.js';
import { InvalidPayloadError } from '../../../lib/ingest/ingest-errors.js';
import { fixture, fixtureText, NOW, source } from './fixtures.js';

const limits = { limitBytes: 1024 * 1024 };

function raw(body: string | undefined, contentType: string | undefined, extra: Partial<RawBody> = {}): RawBody {
  return { body, isBase64Encoded: false, contentType, contentEncoding: undefined, ...extra };
}

const binaryHeaders = {
  'ce-specversion': '1.0',
  'ce-id': 'b-1',
  'ce-source': '//scripts.example.com/disk-check',
  'ce-type': 'com.example.disk.full',
  'ce-time': '2026-11-25T10:01:00Z',
  'ce-subject': 'node%2F10.0.1.23',
  'ce-traceparent': '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};

describe('cloudEventsMode', () => {
  it('picks the mode from the media type first, then the ce-specversion header', () => {
    expect(cloudEventsMode({ 'content-type': 'application/cloudevents+json; charset=utf-8' })).toBe('structured');
    expect(cloudEventsMode({ 'Content-Type': 'application/cloudevents-batch+json' })).toBe('batched');
    expect(cloudEventsMode({ 'content-type': 'application/json', 'Ce-Specversion': '1.0' })).toBe('binary');
    expect(cloudEventsMode({ 'content-type': 'application/json' })).toBeUndefined();
  });
});

describe('readCloudEventsRequest', () => {
  it('reads a structured event, keeping extension attributes apart', () => {
    const { mode, events, issues } = readCloudEventsRequest(
      raw(fixtureText('cloudevents-structured-alert.json'), 'application/cloudevents+json'),
      {},
      limits,
    );

    expect(mode).toBe('structured');
    expect(issues).toEqual([]);
    expect(events[0]).toMatchObject({
      specversion: '1.0',
      id: 'a1b2c3',
      type: 'com.example.deploy.failed',
      subject: 'shop/web',
      time: '2026-11-25T10:00:00Z',
      extensions: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
  });

  it('reads a gzip-compressed batch and reports its invalid events by index', () => {
    const body = gzipSync(fixtureText('cloudevents-batch.json')).toString('base64');

    const { mode, events, issues } = readCloudEventsRequest(
      raw(body, 'application/cloudevents-batch+json', { isBase64Encoded: true, contentEncoding: 'gzip' }),
      {},
      limits,
    );

    expect(mode).toBe('batched');
    expect(events.map((event) => event.id)).toEqual(['e-1', 'e-2', 'e-3', 'e-4', 'e-7']);
    expect(issues.map((issue) => [issue.index, issue.field])).toEqual([
      [4, '[4].specversion'],
      [5, '[5].id'],
    ]);
  });

  it('builds a binary-mode event from ce-* headers with JSON data in the body', () => {
    const { mode, events, issues } = readCloudEventsRequest(
      raw('{"labels":{"mount":"/var"},"annotations":{"summary":"disk 97% full"}}', 'application/json'),
      binaryHeaders,
      limits,
    );

    expect(mode).toBe('binary');
    expect(issues).toEqual([]);
    expect(events[0]).toEqual({
      specversion: '1.0',
      id: 'b-1',
      source: '//scripts.example.com/disk-check',
      type: 'com.example.disk.full',
      time: '2026-11-25T10:01:00Z',
      subject: 'node/10.0.1.23',
      datacontenttype: 'application/json',
      data: { labels: { mount: '/var' }, annotations: { summary: 'disk 97% full' } },
      extensions: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
  });

  it('keeps text data as a string and other binary data as base64', () => {
    const text = readCloudEventsRequest(raw('disk full on /var', 'text/plain; charset=utf-8'), binaryHeaders, limits);
    const bytes = readCloudEventsRequest(
      raw(Buffer.from([0, 1, 2, 255]).toString('base64'), 'application/octet-stream', { isBase64Encoded: true }),
      binaryHeaders,
      limits,
    );

    expect(text.events[0]!.data).toBe('disk full on /var');
    expect(bytes.events[0]!.data_base64).toBe('AAEC/w==');
  });

  it('accepts a binary-mode event without a body', () => {
    const { events } = readCloudEventsRequest(raw(undefined, undefined), binaryHeaders, limits);

    expect(events[0]!.data).toBeUndefined();
  });

  it('names the missing required ce-* headers', () => {
    const { events, issues } = readCloudEventsRequest(raw('{}', 'application/json'), { 'ce-specversion': '1.0', 'ce-id': 'x' }, limits);

    expect(events).toEqual([]);
    expect(issues.map((issue) => issue.field)).toEqual(['ce-source', 'ce-type']);
  });

  it('accepts structured events sent as plain application/json', () => {
    const one = readCloudEventsRequest(raw(fixtureText('cloudevents-structured-alert.json'), 'application/json'), {}, limits);
    const many = readCloudEventsRequest(raw(fixtureText('cloudevents-batch.json'), 'application/json'), {}, limits);

    expect(one.mode).toBe('structured');
    expect(many.mode).toBe('batched');
  });

  it('rejects plain JSON that is no CloudEvent, and other media types', () => {
    expect(() => readCloudEventsRequest(raw('{"labels":{}}', 'application/json'), {}, limits)).toThrowError(InvalidPayloadError);
    expect(() => readCloudEventsRequest(raw('<e/>', 'application/xml'), {}, limits)).toThrowError(UnsupportedMediaTypeError);
  });

  it('enforces the size limit in binary mode too', () => {
    expect(() => readCloudEventsRequest(raw('x'.repeat(2048), 'text/plain'), binaryHeaders, { limitBytes: 1024 })).toThrowError(
      PayloadTooLargeError,
    );
  });
});

describe('parseCloudEvents', () => {
  it('rejects a batch that is not an array and a structured body that is not an object', () => {
    expect(() => parseCloudEvents({}, 'batched')).toThrowError(InvalidPayloadError);
    expect(() => parseCloudEvents([], 'structured')).toThrowError(InvalidPayloadError);
  });

  it('refuses an event with both data and data_base64', () => {
    const { issues } = parseCloudEvents({ specversion: '1.0', id: '1', source: 's', type: 't', data: {}, data_base64: 'e30=' }, 'structured');

    expect(issues[0]!.message).toMatch(/mutually exclusive/);
  });
});

describe('classifyCloudEvents', () => {
  const batch = () => parseCloudEvents(fixture('cloudevents-batch.json'), 'batched').events;

  it('maps a structured event to an alert: type as alertname, data labels plus ce_source and ce_type', () => {
    const { events } = parseCloudEvents(fixture('cloudevents-structured-alert.json'), 'structured');

    const { alerts, issues } = classifyCloudEvents(events, source, { now: NOW });

    expect(issues).toEqual([]);
    expect(alerts[0]).toMatchObject({
      labels: {
        alertname: 'com.example.deploy.failed',
        service: 'web',
        severity: 'critical',
        namespace: 'shop',
        ce_source: '//ci.example.com/pipelines/deploy',
        ce_type: 'com.example.deploy.failed',
        cluster: 'prod-eu',
      },
      annotations: { summary: 'deploy of web v1.4.0 failed' },
      status: 'firing',
      startsAt: '2026-11-25T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      source: 'cloudevent',
    });
  });

  it('takes data.alertname and data.status, ending a resolved alert at the event time', () => {
    const { alerts } = classifyCloudEvents(batch(), source, { now: NOW, batched: true });

    expect(alerts[0]).toMatchObject({ labels: { alertname: 'BackupFailed', db: 'orders' }, status: 'firing', startsAt: '2026-11-25T10:05:00.000Z' });
    expect(alerts[1]).toMatchObject({ status: 'resolved', endsAt: '2026-11-25T10:02:00Z' });
    expect(alerts[0]!.labels.ce_type).not.toBe(alerts[1]!.labels.ce_type);
  });

  it('turns a wrapped Kubernetes Event into an event signal and a wrapped audit list into audit signals', () => {
    const { kubernetesEvents, auditEvents } = classifyCloudEvents(batch(), source, { now: NOW, batched: true });

    expect(kubernetesEvents).toEqual([expect.objectContaining({ format: 'core/v1', namespace: 'shop' })]);
    expect(auditEvents.map((signal) => signal.event.auditID)).toEqual([
      '4d9e1f8a-2b3c-4d5e-8f90-a1b2c3d4e5f6',
      '7c1d2e3f-4a5b-4c6d-9e8f-0a1b2c3d4e5f',
    ]);
  });

  it('decodes JSON data_base64 before mapping', () => {
    const { alerts } = classifyCloudEvents(batch(), source, { now: NOW, batched: true });

    expect(alerts[2]!.labels).toMatchObject({ host: 'db-1', alertname: 'com.example.binary' });
  });

  it('treats data with labels as an alert even when it also looks like a Kubernetes Event', () => {
    const event: CloudEvent = {
      specversion: '1.0',
      id: '1',
      source: 's',
      type: 't',
      data: { labels: { alertname: 'Mine' }, involvedObject: { kind: 'Pod' } },
      extensions: {},
    };

    const result = classifyCloudEvents([event], source, { now: NOW });

    expect(result.alerts[0]!.labels.alertname).toBe('Mine');
    expect(result.kubernetesEvents).toEqual([]);
  });

  it('reports bad alert data by event index, and bad wrapped items under data', () => {
    const events: CloudEvent[] = [
      { specversion: '1.0', id: '1', source: 's', type: 't', data: { status: 'burning' }, extensions: {} },
      { specversion: '1.0', id: '2', source: 's', type: 't', data: { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [{ verb: 'get' }] }, extensions: {} },
      { specversion: '1.0', id: '3', source: 's', type: 't', datacontenttype: 'application/json', data_base64: 'bm90IGpzb24=', extensions: {} },
    ];

    const { issues } = classifyCloudEvents(events, source, { now: NOW, batched: true });

    expect(issues.map((issue) => [issue.index, issue.field])).toEqual([
      [0, '[0].data.status'],
      [1, '[1].data.items[0].auditID'],
      [1, '[1].data.items[0].stage'],
      [1, '[1].data.items[0].requestURI'],
      [1, '[1].data.items[0].user'],
      [2, '[2].data_base64'],
    ]);
  });
});
