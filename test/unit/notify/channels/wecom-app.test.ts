import { describe, expect, it } from 'vitest';
import { createWeComAppChannel, WeComTokenCache } from '../../../../lib/notify/channels/wecom-app.js';
import type { ReceivedRequest } from '../../../helpers/http-receiver.js';
import { aMetricNotification } from '../../templates/sample-notifications.js';
import { failure, json, NOW, provider, splitPath, testContext } from './chat-support.js';

const CORP_ID = 'ww1234567890abcdef';
const CORP_SECRET = 'app-secret-XYZ-0987654321';

/** A stand-in for WeCom: issues tokens for the right corp and secret, accepts messages with a live token. */
async function weCom(options: { expireFirstToken?: boolean } = {}) {
  let issued = 0;
  const live = new Set<string>();
  const server = await provider((request: ReceivedRequest) => {
    const { pathname, query } = splitPath(request.path);
    if (request.method === 'GET' && pathname === '/cgi-bin/gettoken') {
      if (query.get('corpid') !== CORP_ID || query.get('corpsecret') !== CORP_SECRET) return json(200, { errcode: 40001, errmsg: 'invalid credential' });
      issued += 1;
      const token = `token-${issued}`;
      if (!(options.expireFirstToken && issued === 1)) live.add(token);
      return json(200, { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 });
    }
    if (request.method === 'POST' && pathname === '/cgi-bin/message/send') {
      const token = query.get('access_token') ?? '';
      if (!live.has(token)) return json(200, { errcode: 42001, errmsg: 'access_token expired' });
      return json(200, { errcode: 0, errmsg: 'ok', invaliduser: '', msgid: 'm1' });
    }
    return json(404, { errcode: 404 });
  });
  return { ...server, issued: () => issued };
}

function settings(apiBaseUrl: string, extra: Record<string, unknown> = {}) {
  return createWeComAppChannel().settingsSchema.parse({
    corpId: CORP_ID,
    corpSecret: CORP_SECRET,
    agentId: 1000002,
    toUser: ['zhangsan', 'lisi'],
    toParty: ['2'],
    apiBaseUrl,
    ...extra,
  });
}

describe('weComAppChannel (application message)', () => {
  it('fetches an access token with corp id and secret, then sends to users and departments with the agent id', async () => {
    const server = await weCom();
    const channel = createWeComAppChannel(new WeComTokenCache());

    await channel.send(settings(server.url), aMetricNotification(), testContext());

    expect(server.requests.map((r) => `${r.method} ${splitPath(r.path).pathname}`)).toEqual(['GET /cgi-bin/gettoken', 'POST /cgi-bin/message/send']);
    const send = server.requests[1]!;
    expect(splitPath(send.path).query.get('access_token')).toBe('token-1');
    expect(send.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = send.json();
    expect(body).toMatchObject({ touser: 'zhangsan|lisi', toparty: '2', totag: '', agentid: 1000002, msgtype: 'markdown' });
    expect(body.markdown.content).toContain('KubePodCrashLooping');
    expect(Buffer.byteLength(body.markdown.content)).toBeLessThanOrEqual(2048);
  });

  it('reuses the token until shortly before it expires', async () => {
    const server = await weCom();
    const channel = createWeComAppChannel(new WeComTokenCache());
    let now = NOW;
    const context = testContext({ now: () => now });

    await channel.send(settings(server.url), aMetricNotification(), context);
    await channel.send(settings(server.url), aMetricNotification(), context);
    expect(server.issued()).toBe(1);

    now = new Date(NOW.getTime() + 7200_000);
    await channel.send(settings(server.url), aMetricNotification(), context);
    expect(server.issued()).toBe(2);
  });

  it('refreshes the token once when WeCom says it expired (42001) and sends again', async () => {
    const server = await weCom({ expireFirstToken: true });
    const channel = createWeComAppChannel(new WeComTokenCache());

    await expect(channel.send(settings(server.url), aMetricNotification(), testContext())).resolves.toEqual({ statusCode: 200 });

    expect(server.issued()).toBe(2);
    expect(server.requests.map((r) => splitPath(r.path).pathname)).toEqual([
      '/cgi-bin/gettoken',
      '/cgi-bin/message/send',
      '/cgi-bin/gettoken',
      '/cgi-bin/message/send',
    ]);
  });

  it('sends text when asked, for WeChat users', async () => {
    const server = await weCom();
    await createWeComAppChannel().send(settings(server.url, { msgType: 'text' }), aMetricNotification(), testContext());
    const body = server.requests[1]!.json();
    expect(body.msgtype).toBe('text');
    expect(body.text.content).toContain('[FIRING:2] KubePodCrashLooping');
  });

  it('does not retry a wrong secret and never echoes it', async () => {
    const server = await weCom();
    const thrown = await failure(createWeComAppChannel().send(settings(server.url, { corpSecret: 'wrong-secret-value' }), aMetricNotification(), testContext()));
    expect(thrown.retryable).toBe(false);
    expect(thrown.message).toContain('40001');
    expect(thrown.message).not.toContain('wrong-secret-value');
  });

  it('needs at least one recipient', () => {
    const result = createWeComAppChannel().settingsSchema.safeParse({ corpId: CORP_ID, corpSecret: CORP_SECRET, agentId: 1 });
    expect(result.error?.issues[0]?.path).toEqual(['toUser']);
  });

  it('redacts the secret', () => {
    expect(JSON.stringify(createWeComAppChannel().redact(settings('https://qyapi.weixin.qq.com')))).not.toContain(CORP_SECRET);
  });
});
