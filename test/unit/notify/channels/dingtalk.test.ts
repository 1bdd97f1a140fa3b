import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChannelError } from '../../../../lib/notify/channel.js';
import { dingTalkChannel } from '../../../../lib/notify/channels/dingtalk.js';
import { aLargeNotification, aMetricNotification } from '../../templates/sample-notifications.js';
import { failure, json, NOW, provider, splitPath, testContext } from './chat-support.js';

const TOKEN = 'a1b2c3d4e5f6access';
const SECRET = 'SEC0123456789abcdefsecret';

/** DingTalk's documented algorithm, written out here independently of the channel. */
function expectedSign(timestamp: string, secret: string): string {
  const digest = createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(`${timestamp}\n${secret}`, 'utf8')).digest();
  return encodeURIComponent(digest.toString('base64'));
}

function settings(apiBaseUrl: string, extra: Record<string, unknown> = {}) {
  return dingTalkChannel.settingsSchema.parse({ accessToken: TOKEN, apiBaseUrl, ...extra });
}

describe('dingTalkChannel', () => {
  it('signs the request as DingTalk checks it: timestamp in ms and URL-encoded HMAC-SHA256 in the query', async () => {
    const dingtalk = await provider((request) => {
      const { pathname, query, rawQuery } = splitPath(request.path);
      const timestamp = query.get('timestamp')!;
      const rawSign = /(?:^|&)sign=([^&]*)/.exec(rawQuery)?.[1];
      const fresh = Math.abs(Number(timestamp) - NOW.getTime()) < 3600_000;
      const valid = pathname === '/robot/send' && query.get('access_token') === TOKEN && fresh && rawSign === expectedSign(timestamp, SECRET);
      return valid ? json(200, { errcode: 0, errmsg: 'ok' }) : json(200, { errcode: 310000, errmsg: 'sign not match' });
    });

    const outcome = await dingTalkChannel.send(settings(dingtalk.url, { secret: SECRET }), aMetricNotification(), testContext());

    expect(outcome.statusCode).toBe(200);
    const { query } = splitPath(dingtalk.requests[0]!.path);
    expect(query.get('timestamp')).toBe(String(NOW.getTime()));
  });

  it('matches the published test vector', () => {
    expect(expectedSign('1700000000000', 'SECxyz')).toBe('0PUR1j8g85Xg3vlFV%2FUrEcxXfF5HpCAGzcjrNfyJoyg%3D');
  });

  it('sends a markdown message with the @-mentions listed and written into the text', async () => {
    const dingtalk = await provider(() => json(200, { errcode: 0, errmsg: 'ok' }));
    await dingTalkChannel.send(
      settings(dingtalk.url, { atMobiles: ['13800000000'], atUserIds: ['manager01'] }),
      aMetricNotification(),
      testContext(),
    );

    const request = dingtalk.requests[0]!;
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(splitPath(request.path).query.has('sign')).toBe(false);
    const body = request.json();
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.title).toBe('[FIRING:2] KubePodCrashLooping · prod-eu');
    expect(body.markdown.text).toContain('**[FIRING:2] KubePodCrashLooping**');
    expect(body.markdown.text).toContain('@13800000000 @manager01');
    expect(body.at).toEqual({ atMobiles: ['13800000000'], atUserIds: ['manager01'], isAtAll: false });
  });

  it('makes sure a keyword-secured robot finds its keywords', async () => {
    const dingtalk = await provider((request) =>
      request.json().markdown.text.includes('告警') ? json(200, { errcode: 0 }) : json(200, { errcode: 310000, errmsg: 'keywords not in content' }),
    );
    await expect(dingTalkChannel.send(settings(dingtalk.url, { keywords: ['告警'] }), aMetricNotification(), testContext())).resolves.toEqual({
      statusCode: 200,
    });
  });

  it('keeps the message under 20,000 bytes and says how many alerts were left out', async () => {
    const dingtalk = await provider(() => json(200, { errcode: 0 }));
    await dingTalkChannel.send(settings(dingtalk.url), aLargeNotification(300), testContext());
    const body = dingtalk.requests[0]!.body;
    expect(Buffer.byteLength(body)).toBeLessThan(20_000);
    expect(JSON.parse(body).markdown.text).toMatch(/and \d+ more alerts not shown/);
  });

  it('retries "send too fast" (130101) after a minute', async () => {
    const dingtalk = await provider(() => json(200, { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' }));
    const thrown = await failure(dingTalkChannel.send(settings(dingtalk.url), aMetricNotification(), testContext()));
    expect(thrown).toBeInstanceOf(ChannelError);
    expect(thrown.retryable).toBe(true);
    expect(thrown.details.retryAfterMs).toBe(60_000);
  });

  it.each([
    [310000, 'keywords not in content'],
    [300001, 'token is not exist'],
  ])('does not retry errcode %i in a 200 answer', async (errcode, errmsg) => {
    const dingtalk = await provider(() => json(200, { errcode, errmsg }));
    const thrown = await failure(dingTalkChannel.send(settings(dingtalk.url), aMetricNotification(), testContext()));
    expect(thrown.retryable).toBe(false);
    expect(thrown.message).toContain(String(errcode));
    expect(thrown.message).not.toContain(TOKEN);
  });

  it('redacts the access token and the secret', () => {
    const shown = JSON.stringify(dingTalkChannel.redact(settings('https://oapi.dingtalk.com', { secret: SECRET })));
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain(SECRET);
  });
});
