import { afterEach, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../../lib/net/address-policy.js';
import { createOutboundHttp } from '../../../lib/net/outbound-http.js';
import { ChannelError } from '../../../lib/notify/channel.js';
import { webhookChannel } from '../../../lib/notify/channels/webhook.js';
import { notificationMessageSchema } from '../../../lib/pipeline/messages.js';
import { aNotification, aNotifiedAlert } from '../../helpers/builders.js';
import { startHttpReceiver, type Responder } from '../../helpers/http-receiver.js';

const context = {
  http: createOutboundHttp({ policy: new AddressPolicy(['127.0.0.1/32']) }),
  now: () => new Date('2026-11-25T10:01:00Z'),
  externalURL: 'https://tidings.example',
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function receiverAnswering(responder: Responder) {
  const receiver = await startHttpReceiver(responder);
  close = receiver.close;
  return receiver;
}

function settings(url: string, extra: Record<string, unknown> = {}) {
  return webhookChannel.settingsSchema.parse({ url, ...extra });
}

describe('webhookChannel', () => {
  it('POSTs Alertmanager webhook JSON version 4 that Alertmanager receivers parse', async () => {
    const receiver = await receiverAnswering(() => ({ status: 200 }));
    const resolved = aNotifiedAlert({ labels: { alertname: 'DiskFull', cluster: 'prod-eu' }, status: 'resolved', endsAt: '2026-11-25T10:05:00Z' });
    const firing = aNotifiedAlert();

    const outcome = await webhookChannel.send(settings(`${receiver.url}/hook`), aNotification({ alerts: [firing, resolved] }), context);

    expect(outcome.statusCode).toBe(200);
    const request = receiver.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hook');
    expect(request.headers['content-type']).toBe('application/json');
    const body = request.json();
    expect(Object.keys(body).sort()).toEqual(
      ['alerts', 'commonAnnotations', 'commonLabels', 'externalURL', 'groupKey', 'groupLabels', 'receiver', 'status', 'truncatedAlerts', 'version'].sort(),
    );
    expect(body).toMatchObject({ version: '4', groupKey: '{}:{}', receiver: 'ops', status: 'firing', externalURL: 'https://tidings.example' });
    expect(body.alerts[0]).toEqual({
      status: 'firing',
      labels: firing.labels,
      annotations: firing.annotations,
      startsAt: firing.startsAt,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: firing.generatorURL,
      fingerprint: firing.fingerprint,
    });
    expect(body.alerts[1]).toMatchObject({ status: 'resolved', endsAt: '2026-11-25T10:05:00Z' });
  });

  it("posts a queued notification in Alertmanager's field order, its alerts as the delivery queue carried them", async () => {
    // Prepare: a notification as deliver reads it from the queue (validated by its schema).
    const receiver = await receiverAnswering(() => ({ status: 200 }));
    const queued = notificationMessageSchema.parse(JSON.parse(JSON.stringify(aNotification({ alerts: [aNotifiedAlert()] }))));

    // Act
    await webhookChannel.send(settings(receiver.url), queued, context);

    // Assess
    const text = receiver.requests[0]!.body;
    expect(Object.keys(JSON.parse(text))).toEqual(['version', 'groupKey', 'truncatedAlerts', 'status', 'receiver', 'groupLabels', 'commonLabels', 'commonAnnotations', 'externalURL', 'alerts']);
    expect(Object.keys(JSON.parse(text).alerts[0])).toEqual(['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL', 'fingerprint']);
  });

  it('sends the configured extra headers', async () => {
    const receiver = await receiverAnswering(() => ({ status: 204 }));
    await webhookChannel.send(settings(receiver.url, { headers: { 'x-api-key': 'k1' } }), aNotification(), context);
    expect(receiver.requests[0]!.headers['x-api-key']).toBe('k1');
  });

  it.each([
    [500, true],
    [503, true],
    [429, true],
    [400, false],
    [401, false],
    [404, false],
  ])('treats HTTP %i as retryable=%s', async (status, retryable) => {
    const receiver = await receiverAnswering(() => ({ status, body: 'nope' }));
    const error = await webhookChannel.send(settings(receiver.url), aNotification(), context).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.retryable).toBe(retryable);
    expect(error.details.statusCode).toBe(status);
  });

  it('passes on Retry-After in milliseconds', async () => {
    const receiver = await receiverAnswering(() => ({ status: 429, headers: { 'retry-after': '7' } }));
    const error = await webhookChannel.send(settings(receiver.url), aNotification(), context).catch((e) => e);
    expect(error.details.retryAfterMs).toBe(7000);
  });

  it('reports a refused connection as retryable without echoing the URL and its key', async () => {
    const receiver = await receiverAnswering(() => ({ status: 200 }));
    const url = `${receiver.url}/hook?token=s3cr3t`;
    await receiver.close();
    close = undefined;
    const error = await webhookChannel.send(settings(url), aNotification(), context).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.retryable).toBe(true);
    expect(error.message).not.toContain('s3cr3t');
  });

  it('does not retry a destination the address policy forbids', async () => {
    const strict = { ...context, http: createOutboundHttp({ policy: new AddressPolicy() }) };
    const error = await webhookChannel.send(settings('http://169.254.169.254/latest'), aNotification(), strict).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.retryable).toBe(false);
  });

  it('redacts the URL path, query and header values for display', () => {
    const shown = webhookChannel.redact(settings('https://hooks.example.com/services/T0/B0/XYZ?key=abc', { headers: { authorization: 'Bearer t' } }));
    expect(JSON.stringify(shown)).not.toMatch(/XYZ|abc|Bearer t/);
    expect(shown.url).toBe('https://hooks.example.com/<redacted>');
  });

  it('rejects settings without an http(s) URL, naming the field', () => {
    const result = webhookChannel.settingsSchema.safeParse({ url: 'ftp://example.com' });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['url']);
  });
});
