import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { createOutboundHttp } from '../../../../lib/net/outbound-http.js';
import { ChannelError, type ChannelContext } from '../../../../lib/notify/channel.js';
import { pagerDutyChannel, pagerDutySeverity } from '../../../../lib/notify/channels/pagerduty.js';
import { anAlert, aNotification } from '../../../helpers/builders.js';
import { startHttpReceiver, type Responder } from '../../../helpers/http-receiver.js';

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

const context: ChannelContext = {
  http: createOutboundHttp({ policy: new AddressPolicy(['127.0.0.1/32']) }),
  now: () => new Date('2026-11-25T10:01:00Z'),
  externalURL: 'https://tidings.example',
  renderer: { render: (kind) => (kind === 'title' ? '[FIRING:1] HighErrorRate prod-eu' : 'body') },
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** Answers as the Events API does: 202 for a well-formed event, 400 with `errors` otherwise. */
async function pagerDutyAnswering(responder?: Responder) {
  const receiver = await startHttpReceiver(
    responder ??
      ((request) => {
        const event = request.json();
        const valid =
          request.path === '/v2/enqueue' &&
          request.headers['content-type'] === 'application/json' &&
          typeof event.routing_key === 'string' &&
          ['trigger', 'resolve', 'acknowledge'].includes(event.event_action) &&
          (event.event_action !== 'trigger' || (event.payload?.summary && event.payload?.source && event.payload?.severity));
        return valid
          ? { status: 202, body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: event.dedup_key }) }
          : { status: 400, body: JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors: ['bad'] }) };
      }),
  );
  close = receiver.close;
  return receiver;
}

function settings(url: string, extra: Record<string, unknown> = {}) {
  return pagerDutyChannel.settingsSchema.parse({ routingKey: ROUTING_KEY, url: `${url}/v2/enqueue`, ...extra });
}

describe('pagerDutyChannel', () => {
  it('triggers an event for a firing group, keyed by the SHA-256 of the group key', async () => {
    const receiver = await pagerDutyAnswering();
    const notification = aNotification({ groupKey: '{}/{team="db"}:{alertname="HighErrorRate"}' });

    const outcome = await pagerDutyChannel.send(settings(receiver.url, { component: 'api', group: 'shop', class: 'latency' }), notification, context);

    expect(outcome.statusCode).toBe(202);
    const event = receiver.requests[0]!.json();
    expect(event).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: createHash('sha256').update('{}/{team="db"}:{alertname="HighErrorRate"}').digest('hex'),
      client: 'tidings',
      client_url: 'https://tidings.example',
      payload: { summary: '[FIRING:1] HighErrorRate prod-eu', source: 'prod-eu', severity: 'critical', component: 'api', group: 'shop', class: 'latency' },
    });
    expect(event.payload.custom_details.alerts[0].labels).toEqual(notification.alerts[0]!.labels);
    expect(event.payload.custom_details.num_firing).toBe(1);
  });

  it('resolves with the same routing and dedup keys once the group is resolved', async () => {
    const receiver = await pagerDutyAnswering();
    const firing = aNotification({ groupKey: 'g1' });
    const resolved = aNotification({ groupKey: 'g1', status: 'resolved', alerts: [anAlert({ status: 'resolved', endsAt: '2026-11-25T10:05:00Z' })] });

    await pagerDutyChannel.send(settings(receiver.url), firing, context);
    await pagerDutyChannel.send(settings(receiver.url), resolved, context);

    const [trigger, resolve] = receiver.requests.map((request) => request.json());
    expect(resolve).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: trigger.dedup_key });
  });

  it('cuts a long summary to 1024 characters with a visible marker', async () => {
    const receiver = await pagerDutyAnswering();
    const long = { ...context, renderer: { render: () => 'x'.repeat(5000) } };
    await pagerDutyChannel.send(settings(receiver.url), aNotification(), long);
    const summary: string = receiver.requests[0]!.json().payload.summary;
    expect(Array.from(summary)).toHaveLength(1024);
    expect(summary.endsWith('…')).toBe(true);
  });

  it('uses the default severity when the label is missing or unknown, and maps common synonyms', () => {
    expect(pagerDutySeverity(undefined, 'warning')).toBe('warning');
    expect(pagerDutySeverity('P5', 'info')).toBe('info');
    expect(pagerDutySeverity('WARNING', 'error')).toBe('warning');
    expect(pagerDutySeverity('page', 'error')).toBe('critical');
  });

  it('summarises with the built-in text when no renderer is supplied', async () => {
    const receiver = await pagerDutyAnswering();
    const { renderer: _none, ...bare } = context;
    await pagerDutyChannel.send(settings(receiver.url), aNotification(), bare);
    expect(receiver.requests[0]!.json().payload.summary).toMatch(/^\[FIRING:1\] /);
  });

  it.each([
    [429, true],
    [500, true],
    [400, false],
    [403, false],
  ])('treats HTTP %i as retryable=%s without echoing the routing key', async (status, retryable) => {
    const receiver = await pagerDutyAnswering(() => ({ status, body: `{"message":"bad key ${ROUTING_KEY}"}` }));
    const error = await pagerDutyChannel.send(settings(receiver.url), aNotification(), context).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.retryable).toBe(retryable);
    expect(error.message).not.toContain(ROUTING_KEY);
  });

  it('redacts the routing key and rejects a key of the wrong length', () => {
    expect(JSON.stringify(pagerDutyChannel.redact(settings('https://events.pagerduty.com')))).not.toContain(ROUTING_KEY);
    const result = pagerDutyChannel.settingsSchema.safeParse({ routingKey: 'short' });
    expect(result.error!.issues[0]!.path).toEqual(['routingKey']);
  });
});
