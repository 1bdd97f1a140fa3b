import { afterEach, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { createOutboundHttp } from '../../../../lib/net/outbound-http.js';
import { ChannelError, type ChannelContext } from '../../../../lib/notify/channel.js';
import { pushoverChannel } from '../../../../lib/notify/channels/pushover.js';
import { aNotification } from '../../../helpers/builders.js';
import { startHttpReceiver, type ReceivedRequest, type Responder } from '../../../helpers/http-receiver.js';

const TOKEN = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const USER = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';

const context: ChannelContext = {
  http: createOutboundHttp({ policy: new AddressPolicy(['127.0.0.1/32']) }),
  now: () => new Date('2026-11-25T10:01:00Z'),
  externalURL: 'https://tidings.example',
  renderer: { render: (kind) => (kind === 'title' ? 'Disk almost full' : 'node-1: 95% used') },
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** Checks what Pushover's API checks: path, form encoding, keys, limits, emergency retry/expire. */
function pushoverValidation(request: ReceivedRequest) {
  const errors: string[] = [];
  if (request.method !== 'POST' || request.path !== '/1/messages.json') errors.push('not found');
  if (request.headers['content-type'] !== 'application/x-www-form-urlencoded') errors.push('not a form');
  const form = new URLSearchParams(request.body);
  if (form.get('token') !== TOKEN) errors.push('application token is invalid');
  if (form.get('user') !== USER) errors.push('user identifier is invalid');
  if (!form.get('message') || Array.from(form.get('message')!).length > 1024) errors.push('message cannot be blank or over 1024 characters');
  if (Array.from(form.get('title') ?? '').length > 250) errors.push('title is too long');
  if (form.get('priority') === '2' && (Number(form.get('retry')) < 30 || !form.get('expire'))) errors.push('retry and expire are required for emergency priority');
  return { form, errors };
}

async function pushoverAnswering(responder?: Responder) {
  const receiver = await startHttpReceiver(
    responder ??
      ((request) => {
        const { errors } = pushoverValidation(request);
        return errors.length === 0
          ? { status: 200, body: JSON.stringify({ status: 1, request: 'r-1' }) }
          : { status: 400, body: JSON.stringify({ status: 0, errors, request: 'r-2' }) };
      }),
  );
  close = receiver.close;
  return receiver;
}

function settings(url: string, extra: Record<string, unknown> = {}) {
  return pushoverChannel.settingsSchema.parse({ token: TOKEN, user: USER, apiUrl: `${url}/1/messages.json`, ...extra });
}

describe('pushoverChannel', () => {
  it('posts a form with token, user, title, message, priority and link', async () => {
    const receiver = await pushoverAnswering();

    const outcome = await pushoverChannel.send(settings(receiver.url, { sound: 'siren' }), aNotification(), context);

    expect(outcome.statusCode).toBe(200);
    const { form, errors } = pushoverValidation(receiver.requests[0]!);
    expect(errors).toEqual([]);
    expect(form.get('title')).toBe('Disk almost full');
    expect(form.get('message')).toBe('node-1: 95% used');
    expect(form.get('priority')).toBe('0');
    expect(form.get('url')).toBe('https://tidings.example');
    expect(form.get('sound')).toBe('siren');
    expect(form.has('retry')).toBe(false);
  });

  it('sends retry and expire with emergency priority', async () => {
    const receiver = await pushoverAnswering();
    await pushoverChannel.send(settings(receiver.url, { priority: 2, retrySeconds: 120, expireSeconds: 7200 }), aNotification(), context);
    const { form, errors } = pushoverValidation(receiver.requests[0]!);
    expect(errors).toEqual([]);
    expect([form.get('retry'), form.get('expire')]).toEqual(['120', '7200']);
  });

  it('cuts the message to 1024 characters with a marker', async () => {
    const receiver = await pushoverAnswering();
    const long = { ...context, renderer: { render: () => '警'.repeat(3000) } };
    await pushoverChannel.send(settings(receiver.url), aNotification(), long);
    const message = new URLSearchParams(receiver.requests[0]!.body).get('message')!;
    expect(Array.from(message)).toHaveLength(1024);
    expect(message.endsWith('…')).toBe(true);
  });

  it('reports a 4xx with errors as permanent, naming the reason but not the keys', async () => {
    const receiver = await pushoverAnswering();
    const wrong = { ...settings(receiver.url), user: 'x'.repeat(30) };
    const error = await pushoverChannel.send(wrong, aNotification(), context).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('user identifier is invalid');
    expect(error.message).not.toContain(TOKEN);
  });

  it('does not trust a 200 without status 1', async () => {
    const receiver = await pushoverAnswering(() => ({ status: 200, body: '{"status":0,"errors":["quota"]}' }));
    const error = await pushoverChannel.send(settings(receiver.url), aNotification(), context).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.retryable).toBe(false);
  });

  it.each([429, 500, 503])('retries HTTP %i', async (status) => {
    const receiver = await pushoverAnswering(() => ({ status, body: '{"status":0,"errors":["later"]}' }));
    const error = await pushoverChannel.send(settings(receiver.url), aNotification(), context).catch((e) => e);
    expect(error.retryable).toBe(true);
  });

  it('redacts token and user key, and validates their shape', () => {
    expect(JSON.stringify(pushoverChannel.redact(settings('https://api.pushover.net')))).not.toMatch(new RegExp(`${TOKEN}|${USER}`));
    const result = pushoverChannel.settingsSchema.safeParse({ token: 'short', user: USER });
    expect(result.error!.issues[0]!.path).toEqual(['token']);
  });
});
