import { describe, expect, it } from 'vitest';
import { discordChannel } from '../../../../lib/notify/channels/discord.js';
import { aLargeNotification, aMetricNotification } from '../../templates/sample-notifications.js';
import { failure, json, provider, splitPath, testContext } from './chat-support.js';

const HOOK = '/api/webhooks/112233445566/DiscordWebhookTokenSecret_abc';

describe('discordChannel', () => {
  it('posts an embed with wait=true and no allowed mentions', async () => {
    const discord = await provider(() => json(200, { id: '1' }));
    await discordChannel.send(discordChannel.settingsSchema.parse({ webhookUrl: `${discord.url}${HOOK}`, username: 'tidings' }), aMetricNotification(), testContext());

    const request = discord.requests[0]!;
    const { pathname, query } = splitPath(request.path);
    expect(pathname).toBe(HOOK);
    expect(query.get('wait')).toBe('true');
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    const body = request.json();
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.username).toBe('tidings');
    expect(body.embeds).toHaveLength(1);
    expect(body.embeds[0]).toMatchObject({ title: '[FIRING:2] KubePodCrashLooping · prod-eu', color: 0xd32f2f, url: 'https://tidings.example' });
    expect(body.embeds[0].description).toContain('Pod shop/web-1 is crash looping');
  });

  it('respects the embed limits (description 4096, 6000 in total) and plain content (2000)', async () => {
    const discord = await provider(() => json(200, {}));
    const big = aLargeNotification(100);
    await discordChannel.send(discordChannel.settingsSchema.parse({ webhookUrl: `${discord.url}${HOOK}` }), big, testContext());
    await discordChannel.send(discordChannel.settingsSchema.parse({ webhookUrl: `${discord.url}${HOOK}`, useEmbeds: false }), big, testContext());

    const [embed, plain] = discord.requests.map((request) => request.json());
    expect(embed.embeds[0].description.length).toBeLessThanOrEqual(4096);
    expect(embed.embeds[0].title.length + embed.embeds[0].description.length).toBeLessThanOrEqual(6000);
    expect(embed.embeds[0].description).toMatch(/and \d+ more alerts not shown/);
    expect(plain.content.length).toBeLessThanOrEqual(2000);
    expect(plain.content).toMatch(/and \d+ more alerts not shown/);
  });

  it('retries a 429 after retry_after seconds from the body', async () => {
    const discord = await provider(() => json(429, { message: 'You are being rate limited.', retry_after: 1.5, global: false }, { 'retry-after': '2' }));
    const thrown = await failure(discordChannel.send(discordChannel.settingsSchema.parse({ webhookUrl: `${discord.url}${HOOK}` }), aMetricNotification(), testContext()));
    expect(thrown.retryable).toBe(true);
    expect(thrown.details.retryAfterMs).toBe(1500);
  });

  it('does not retry an unknown webhook (404)', async () => {
    const discord = await provider(() => json(404, { message: 'Unknown Webhook', code: 10015 }));
    const thrown = await failure(discordChannel.send(discordChannel.settingsSchema.parse({ webhookUrl: `${discord.url}${HOOK}` }), aMetricNotification(), testContext()));
    expect(thrown.retryable).toBe(false);
  });

  it('redacts the webhook token', () => {
    const shown = JSON.stringify(discordChannel.redact(discordChannel.settingsSchema.parse({ webhookUrl: `https://discord.com${HOOK}` })));
    expect(shown).not.toContain('DiscordWebhookTokenSecret');
  });
});
