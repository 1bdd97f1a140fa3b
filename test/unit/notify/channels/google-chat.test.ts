import { describe, expect, it } from 'vitest';
import { googleChatChannel } from '../../../../lib/notify/channels/google-chat.js';
import { aLargeNotification, aMetricNotification } from '../../templates/sample-notifications.js';
import { failure, json, provider, splitPath, testContext } from './chat-support.js';

const PATH = '/v1/spaces/AAAAxyz/messages?key=AIzaSyGoogleChatKey123&token=chatTokenSecret456';

describe('googleChatChannel', () => {
  it('posts a cardsV2 card to the space webhook, keeping key and token in the query', async () => {
    const chat = await provider(() => json(200, { name: 'spaces/AAAAxyz/messages/1' }));
    await googleChatChannel.send(googleChatChannel.settingsSchema.parse({ webhookUrl: `${chat.url}${PATH}` }), aMetricNotification(), testContext());

    const request = chat.requests[0]!;
    const { pathname, query } = splitPath(request.path);
    expect(pathname).toBe('/v1/spaces/AAAAxyz/messages');
    expect(query.get('key')).toBe('AIzaSyGoogleChatKey123');
    expect(query.get('token')).toBe('chatTokenSecret456');
    expect(request.headers['content-type']).toMatch(/^application\/json; charset=utf-8/i);
    const card = request.json().cardsV2[0];
    expect(card.cardId).toBe('tidings-notification');
    expect(card.card.header.title).toBe('[FIRING:2] KubePodCrashLooping · prod-eu');
    expect(card.card.sections[0].widgets[0].textParagraph.text).toContain('Pod shop/web-1 is crash looping<br>');
    expect(card.card.sections[1].widgets[0].buttonList.buttons[0].onClick.openLink.url).toBe('https://tidings.example');
  });

  it('sends plain text in a thread when asked', async () => {
    const chat = await provider(() => json(200, {}));
    await googleChatChannel.send(
      googleChatChannel.settingsSchema.parse({ webhookUrl: `${chat.url}${PATH}`, useCards: false, threadKey: 'shop-crashloops' }),
      aLargeNotification(100),
      testContext(),
    );
    const request = chat.requests[0]!;
    expect(splitPath(request.path).query.get('messageReplyOption')).toBe('REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
    const body = request.json();
    expect(body.thread).toEqual({ threadKey: 'shop-crashloops' });
    expect(body.text.length).toBeLessThanOrEqual(4096);
    expect(body.text).toMatch(/and \d+ more alerts not shown/);
  });

  it('retries RESOURCE_EXHAUSTED (429) and not a bad request (400)', async () => {
    let status = 429;
    const chat = await provider(() => json(status, { error: { code: status, message: 'no', status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'INVALID_ARGUMENT' } }));
    const settings = googleChatChannel.settingsSchema.parse({ webhookUrl: `${chat.url}${PATH}` });
    expect((await failure(googleChatChannel.send(settings, aMetricNotification(), testContext()))).retryable).toBe(true);
    status = 400;
    expect((await failure(googleChatChannel.send(settings, aMetricNotification(), testContext()))).retryable).toBe(false);
  });

  it('redacts the key and token', () => {
    const shown = JSON.stringify(googleChatChannel.redact(googleChatChannel.settingsSchema.parse({ webhookUrl: `https://chat.googleapis.com${PATH}` })));
    expect(shown).not.toMatch(/AIzaSy|chatTokenSecret/);
  });
});
