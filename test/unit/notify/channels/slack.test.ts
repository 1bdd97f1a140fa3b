import { describe, expect, it } from 'vitest';
import { ChannelError } from '../../../../lib/notify/channel.js';
import { slackChannel } from '../../../../lib/notify/channels/slack.js';
import { aLargeNotification, aMetricNotification } from '../../templates/sample-notifications.js';
import { failure, json, provider, testContext } from './chat-support.js';

const TOKEN = 'xoxb-1234-5678-abcdefSECRET';

function botSettings(apiBaseUrl: string) {
  return slackChannel.settingsSchema.parse({ token: TOKEN, channel: 'C0123ALERTS', apiBaseUrl });
}

describe('slackChannel', () => {
  it('posts chat.postMessage with the bot token, the channel, Block Kit blocks and a text fallback', async () => {
    const slack = await provider(() => json(200, { ok: true, channel: 'C0123ALERTS', ts: '1.2' }));

    const outcome = await slackChannel.send(botSettings(`${slack.url}/api`), aMetricNotification(), testContext());

    expect(outcome.statusCode).toBe(200);
    const request = slack.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/api/chat.postMessage');
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = request.json();
    expect(body.channel).toBe('C0123ALERTS');
    expect(body.text).toBe('[FIRING:2] KubePodCrashLooping · prod-eu');
    expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '[FIRING:2] KubePodCrashLooping · prod-eu', emoji: true } });
    expect(body.blocks.length).toBeLessThanOrEqual(50);
    for (const block of body.blocks.slice(1)) {
      expect(block.type).toBe('section');
      expect(block.text.type).toBe('mrkdwn');
      expect(block.text.text.length).toBeLessThanOrEqual(3000);
    }
    expect(body.blocks[1].text.text).toContain('Pod shop/web-1 is crash looping');
  });

  it('posts to an incoming webhook without a token', async () => {
    const slack = await provider(() => ({ status: 200, body: 'ok' }));
    const settings = slackChannel.settingsSchema.parse({ webhookUrl: `${slack.url}/services/T000/B000/XXXXXXXX` });

    await slackChannel.send(settings, aMetricNotification(), testContext());

    const request = slack.requests[0]!;
    expect(request.path).toBe('/services/T000/B000/XXXXXXXX');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.json()).toMatchObject({ text: expect.any(String), blocks: expect.any(Array) });
    expect(request.json().channel).toBeUndefined();
  });

  it('escapes &, < and > in mrkdwn so alert text cannot form links or mentions', async () => {
    const slack = await provider(() => json(200, { ok: true }));
    const notification = aMetricNotification();
    notification.alerts[0]!.annotations.summary = 'latency > 5s & <!channel>';
    await slackChannel.send(botSettings(slack.url), notification, testContext());
    expect(slack.requests[0]!.json().blocks[1].text.text).toContain('latency &gt; 5s &amp; &lt;!channel&gt;');
  });

  it('splits a long message into sections of at most 3000 characters and keeps count of alerts left out', async () => {
    const slack = await provider(() => json(200, { ok: true }));
    await slackChannel.send(botSettings(slack.url), aLargeNotification(400, 200), testContext());
    const body = slack.requests[0]!.json();
    expect(body.blocks.length).toBeLessThanOrEqual(50);
    const text = body.blocks.slice(1).map((block: any) => block.text.text).join('\n');
    expect(text.length).toBeLessThanOrEqual(40_000 + 50);
    expect(text).toMatch(/and \d+ more alerts not shown/);
  });

  it.each([
    ['ratelimited', true],
    ['internal_error', true],
    ['invalid_auth', false],
    ['channel_not_found', false],
    ['not_in_channel', false],
  ])('reads {ok:false,error:%s} in a 200 answer as retryable=%s', async (error, retryable) => {
    const slack = await provider(() => json(200, { ok: false, error }));
    const thrown = await failure(slackChannel.send(botSettings(slack.url), aMetricNotification(), testContext()));
    expect(thrown).toBeInstanceOf(ChannelError);
    expect(thrown.retryable).toBe(retryable);
    expect(thrown.message).toContain(error);
  });

  it('retries HTTP 429 after Retry-After', async () => {
    const slack = await provider(() => json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '30' }));
    const thrown = await failure(slackChannel.send(botSettings(slack.url), aMetricNotification(), testContext()));
    expect(thrown.retryable).toBe(true);
    expect(thrown.details.retryAfterMs).toBe(30_000);
  });

  it('does not retry a webhook answering 404 no_service', async () => {
    const slack = await provider(() => ({ status: 404, body: 'no_service' }));
    const settings = slackChannel.settingsSchema.parse({ webhookUrl: `${slack.url}/services/T/B/X` });
    const thrown = await failure(slackChannel.send(settings, aMetricNotification(), testContext()));
    expect(thrown.retryable).toBe(false);
  });

  it('accepts either a webhook URL or a token with a channel', () => {
    expect(slackChannel.settingsSchema.safeParse({}).success).toBe(false);
    expect(slackChannel.settingsSchema.safeParse({ token: TOKEN }).error?.issues[0]?.path).toEqual(['channel']);
    expect(slackChannel.settingsSchema.safeParse({ token: TOKEN, channel: 'C1', webhookUrl: 'https://hooks.slack.com/services/a' }).success).toBe(false);
    expect(slackChannel.settingsSchema.parse({ token: TOKEN, channel: 'C1' }).apiBaseUrl).toBe('https://slack.com/api');
  });

  it('redacts the token and the webhook path', () => {
    const shown = JSON.stringify([
      slackChannel.redact(botSettings('https://slack.com/api')),
      slackChannel.redact(slackChannel.settingsSchema.parse({ webhookUrl: 'https://hooks.slack.com/services/T0/B0/SECRETPATH' })),
    ]);
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain('SECRETPATH');
  });
});
