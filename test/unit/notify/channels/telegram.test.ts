import { describe, expect, it } from 'vitest';
import { telegramChannel } from '../../../../lib/notify/channels/telegram.js';
import { anAlert, aNotification } from '../../../helpers/builders.js';
import { aLargeNotification, aMetricNotification } from '../../templates/sample-notifications.js';
import { failure, json, provider, testContext } from './chat-support.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

function settings(apiBaseUrl: string, extra: Record<string, unknown> = {}) {
  return telegramChannel.settingsSchema.parse({ botToken: TOKEN, chatId: -1001234567890, apiBaseUrl, ...extra });
}

/** What Telegram counts against the 4096 limit: the text after HTML entities are parsed. */
function visibleLength(html: string): number {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&(lt|gt|amp|quot);/g, '_').length;
}

describe('telegramChannel', () => {
  it('calls sendMessage under /bot<token>/ with chat_id, HTML parse mode and the thread', async () => {
    const telegram = await provider(() => json(200, { ok: true, result: { message_id: 1 } }));
    await telegramChannel.send(settings(telegram.url, { messageThreadId: 42 }), aMetricNotification(), testContext());

    const request = telegram.requests[0]!;
    expect(request.path).toBe(`/bot${TOKEN}/sendMessage`);
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    const body = request.json();
    expect(body).toMatchObject({ chat_id: '-1001234567890', parse_mode: 'HTML', message_thread_id: 42 });
    expect(body.text.startsWith('<b>[FIRING:2] KubePodCrashLooping · prod-eu</b>\n\n')).toBe(true);
  });

  it('escapes <, > and & so alert text cannot break the HTML', async () => {
    const telegram = await provider(() => json(200, { ok: true }));
    const notification = aNotification({ alerts: [anAlert({ annotations: { summary: 'p99 > 5s for <api> & <db>' } })] });
    await telegramChannel.send(settings(telegram.url), notification, testContext());
    const text: string = telegram.requests[0]!.json().text;
    expect(text).toContain('p99 &gt; 5s for &lt;api&gt; &amp; &lt;db&gt;');
    expect(text.replace(/<\/?b>/g, '')).not.toMatch(/<|>/);
  });

  it('keeps the text within 4096 characters and counts the alerts left out', async () => {
    const telegram = await provider(() => json(200, { ok: true }));
    await telegramChannel.send(settings(telegram.url), aLargeNotification(100), testContext());
    const text: string = telegram.requests[0]!.json().text;
    expect(visibleLength(text)).toBeLessThanOrEqual(4096);
    expect(text).toMatch(/and \d+ more alerts not shown/);
  });

  it('retries a 429 after parameters.retry_after', async () => {
    const telegram = await provider(() =>
      json(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 5', parameters: { retry_after: 5 } }),
    );
    const thrown = await failure(telegramChannel.send(settings(telegram.url), aMetricNotification(), testContext()));
    expect(thrown.retryable).toBe(true);
    expect(thrown.details.retryAfterMs).toBe(5000);
  });

  it('does not retry "chat not found" and never shows the token', async () => {
    const telegram = await provider(() => json(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' }));
    const thrown = await failure(telegramChannel.send(settings(telegram.url), aMetricNotification(), testContext()));
    expect(thrown.retryable).toBe(false);
    expect(thrown.message).toContain('chat not found');
    expect(thrown.message).not.toContain(TOKEN);
  });

  it('rejects a malformed bot token and redacts a good one', () => {
    expect(telegramChannel.settingsSchema.safeParse({ botToken: 'nope', chatId: 1 }).success).toBe(false);
    expect(JSON.stringify(telegramChannel.redact(settings('https://api.telegram.org')))).not.toContain(TOKEN);
  });
});
