import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { feishuChannel } from '../../../../lib/notify/channels/feishu.js';
import { aLargeNotification, aMetricNotification } from '../../templates/sample-notifications.js';
import { failure, json, NOW, provider, testContext } from './chat-support.js';

const TOKEN = '0f1e2d3c-hook-token';
const SECRET = 'feishuSigningSecret123';

/** Feishu's documented algorithm: the key is `timestamp + "\n" + secret`, the signed message is empty. */
function expectedSign(timestamp: string, secret: string): string {
  return createHmac('sha256', `${timestamp}\n${secret}`).update(Buffer.alloc(0)).digest('base64');
}

function settings(apiBaseUrl: string, extra: Record<string, unknown> = {}) {
  return feishuChannel.settingsSchema.parse({ token: TOKEN, apiBaseUrl, ...extra });
}

describe('feishuChannel', () => {
  it('signs in the body as Feishu checks it: timestamp in seconds and base64 HMAC-SHA256', async () => {
    const feishu = await provider((request) => {
      const body = request.json();
      const fresh = Math.abs(Number(body.timestamp) - NOW.getTime() / 1000) < 3600;
      const valid = request.path === `/open-apis/bot/v2/hook/${TOKEN}` && fresh && body.sign === expectedSign(body.timestamp, SECRET);
      return valid ? json(200, { code: 0, msg: 'success', data: {} }) : json(200, { code: 19021, msg: 'sign match fail' });
    });

    await expect(feishuChannel.send(settings(feishu.url, { secret: SECRET }), aMetricNotification(), testContext())).resolves.toEqual({ statusCode: 200 });
    expect(feishu.requests[0]!.json().timestamp).toBe(String(NOW.getTime() / 1000));
  });

  it('matches the published test vector', () => {
    expect(expectedSign('1700000000', 'SECxyz')).toBe('GnU9dobz1WousiKlH0LX6FYP8yrWNCgoJOvRhpMc8HY=');
  });

  it('sends an interactive card with a red header while firing and a green one when resolved', async () => {
    const feishu = await provider(() => json(200, { StatusCode: 0, StatusMessage: 'success' }));
    const firing = aMetricNotification();
    await feishuChannel.send(settings(feishu.url), firing, testContext());
    await feishuChannel.send(settings(feishu.url), { ...firing, status: 'resolved' }, testContext());

    const [first, second] = feishu.requests.map((request) => request.json());
    expect(feishu.requests[0]!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.msg_type).toBe('interactive');
    expect(first.sign).toBeUndefined();
    expect(first.card.header).toEqual({ template: 'red', title: { tag: 'plain_text', content: '[FIRING:2] KubePodCrashLooping · prod-eu' } });
    expect(first.card.elements[0]).toMatchObject({ tag: 'div', text: { tag: 'lark_md' } });
    expect(first.card.elements[0].text.content).toContain('Pod shop/web-1 is crash looping');
    expect(first.card.elements[1].actions[0]).toMatchObject({ tag: 'button', url: 'https://tidings.example' });
    expect(second.card.header.template).toBe('green');
  });

  it('uses the Lark host when the region is lark', () => {
    expect(feishuChannel.settingsSchema.parse({ token: TOKEN, region: 'lark' }).region).toBe('lark');
  });

  it('keeps the body under 20 KB', async () => {
    const feishu = await provider(() => json(200, { code: 0 }));
    await feishuChannel.send(settings(feishu.url), aLargeNotification(200), testContext());
    expect(Buffer.byteLength(feishu.requests[0]!.body)).toBeLessThanOrEqual(20 * 1024);
    expect(feishu.requests[0]!.body).toMatch(/and \d+ more alerts not shown/);
  });

  it('retries the frequency limit (11232) and not a bad signature (19021)', async () => {
    let code = 11232;
    const feishu = await provider(() => json(200, { code, msg: 'frequency limited' }));
    const throttled = await failure(feishuChannel.send(settings(feishu.url), aMetricNotification(), testContext()));
    expect(throttled.retryable).toBe(true);
    expect(throttled.details.retryAfterMs).toBeGreaterThan(0);
    code = 19021;
    const refused = await failure(feishuChannel.send(settings(feishu.url), aMetricNotification(), testContext()));
    expect(refused.retryable).toBe(false);
    expect(refused.message).toContain('19021');
  });

  it('redacts the hook token and the secret', () => {
    const shown = JSON.stringify(feishuChannel.redact(settings('https://open.feishu.cn', { secret: SECRET })));
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain(SECRET);
  });
});
