import { describe, expect, it } from 'vitest';
import { weComChannel } from '../../../../lib/notify/channels/wecom.js';
import { aLargeNotification, aMetricNotification } from '../../templates/sample-notifications.js';
import { failure, json, provider, splitPath, testContext } from './chat-support.js';

const KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';

function settings(apiBaseUrl: string, extra: Record<string, unknown> = {}) {
  return weComChannel.settingsSchema.parse({ key: KEY, apiBaseUrl, ...extra });
}

describe('weComChannel (group robot)', () => {
  it('posts a markdown message to webhook/send with the key in the query', async () => {
    const wecom = await provider(() => json(200, { errcode: 0, errmsg: 'ok' }));
    await weComChannel.send(settings(wecom.url, { mentionUserIds: ['zhangsan'] }), aMetricNotification(), testContext());

    const request = wecom.requests[0]!;
    const { pathname, query } = splitPath(request.path);
    expect(pathname).toBe('/cgi-bin/webhook/send');
    expect(query.get('key')).toBe(KEY);
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = request.json();
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.content).toContain('**[FIRING:2] KubePodCrashLooping**');
    expect(body.markdown.content).toContain('<@zhangsan>');
  });

  it('keeps the content within 4096 bytes of UTF-8, counting Chinese text in bytes', async () => {
    const wecom = await provider((request) =>
      Buffer.byteLength(request.json().markdown.content) <= 4096 ? json(200, { errcode: 0 }) : json(200, { errcode: 40058, errmsg: 'markdown.content exceed max length' }),
    );
    const notification = aLargeNotification(40, 200);
    for (const alert of notification.alerts) alert.annotations.summary = '节点延迟过高'.repeat(30);
    await expect(weComChannel.send(settings(wecom.url), notification, testContext())).resolves.toEqual({ statusCode: 200 });
    expect(wecom.requests[0]!.json().markdown.content).toMatch(/and \d+ more alerts not shown/);
  });

  it('retries the rate limit (45009) and not an invalid key (93000)', async () => {
    let errcode = 45009;
    const wecom = await provider(() => json(200, { errcode, errmsg: 'api freq out of limit, hint: [x]' }));
    const limited = await failure(weComChannel.send(settings(wecom.url), aMetricNotification(), testContext()));
    expect(limited.retryable).toBe(true);
    expect(limited.details.retryAfterMs).toBe(60_000);
    errcode = 93000;
    const invalid = await failure(weComChannel.send(settings(wecom.url), aMetricNotification(), testContext()));
    expect(invalid.retryable).toBe(false);
    expect(invalid.message).not.toContain(KEY);
  });

  it('redacts the key', () => {
    expect(JSON.stringify(weComChannel.redact(settings('https://qyapi.weixin.qq.com')))).not.toContain(KEY);
  });
});
