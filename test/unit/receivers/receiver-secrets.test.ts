import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { receiverView } from '../../../lib/api/receivers-api.js';
import { InvalidPayloadError } from '../../../lib/ingest/ingest-errors.js';
import { channelRegistry } from '../../../lib/notify/channel-registry.js';
import { prepareDelivery } from '../../../lib/notify/delivery-resources.js';
import { openReceiverSettings } from '../../../lib/receivers/receiver-secrets.js';
import type { Receiver } from '../../../lib/receivers/receiver.js';
import { aReceiver } from '../../helpers/memory-stores.js';
import { aReceiverApi } from '../../helpers/receiver-api.js';

const URL_KEY = 'UrlKeySecretValue0123456789';
const HEADER_TOKEN = 'HeaderTokenSecretValue42';
const BOT_TOKEN = '123456:BotTokenSecretValue-xyz';

const setup = aReceiverApi;

const noConfigs = { configs: async () => [], templateSets: async () => [], languagePacks: async () => [] };

/** Neither the secret nor its first 8 characters. */
function expectNoTrace(text: string, ...secrets: string[]): void {
  for (const secret of secrets) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.slice(0, 8));
  }
}

describe('receiver secret settings', () => {
  it('are sealed at rest: the stored receiver holds masks, and the values only in sealed form', async () => {
    // Prepare
    const { receivers, put } = setup();

    // Act
    await put('hook', {
      channel: 'webhook',
      settings: { url: `https://hooks.example.com/in/${URL_KEY}`, headers: { authorization: `Bearer ${HEADER_TOKEN}` }, timeoutMs: 5000 },
    });

    // Assess
    const stored = (await receivers.get({ accountId: 'acme', name: 'hook' }))!;
    expectNoTrace(JSON.stringify(stored), URL_KEY, HEADER_TOKEN);
    expect(stored.settings).toEqual({ url: 'https://hooks.example.com/<redacted>', headers: { authorization: '<secret>' }, timeoutMs: 5000 });
    expect(stored.sealedSettings).toMatch(/^local:v1:/);
  });

  it('are opened only to send: delivery preparation gets the values as written', async () => {
    const { receivers, sealer, put } = setup();
    await put('tg', { channel: 'telegram', settings: { botToken: BOT_TOKEN, chatId: '-1001' } });
    const stored = (await receivers.get({ accountId: 'acme', name: 'tg' }))!;

    const prepared = await prepareDelivery(stored, noConfigs, sealer, 'https://tidings.example');

    expect(prepared.settings).toEqual({ botToken: BOT_TOKEN, chatId: '-1001' });
  });

  it('are masked in the PUT answer and in every later view', async () => {
    const { receivers, put } = setup();
    const written = await put('slack', { channel: 'slack', settings: { token: `xoxb-${HEADER_TOKEN}`, channel: 'C1' } });

    const answers = [receiverView(written, channelRegistry), ...(await receivers.listGlobal('acme')).map((r) => receiverView(r, channelRegistry))];

    for (const answer of answers) {
      expect(answer.settings).toEqual({ token: '<secret>', channel: 'C1' });
      expectNoTrace(JSON.stringify(answer), HEADER_TOKEN);
    }
  });

  it('of a receiver stored before sealing are read as plain text, and masked when shown', async () => {
    const { sealer } = setup();
    const legacy: Receiver = aReceiver({ settings: { url: `https://hooks.example.com/in/${URL_KEY}`, headers: { 'x-api-key': HEADER_TOKEN } } });

    expect(await openReceiverSettings(legacy, sealer)).toEqual(legacy.settings);
    const shown = receiverView(legacy, channelRegistry);
    expect(shown.settings).toEqual({ url: 'https://hooks.example.com/<redacted>', headers: { 'x-api-key': '<secret>' } });
    expectNoTrace(JSON.stringify(shown), URL_KEY, HEADER_TOKEN);
  });

  it('refuse a mask written back as if it were the secret', async () => {
    const { put } = setup();

    const attempt = put('hook', { channel: 'webhook', settings: { url: 'https://hooks.example.com/<redacted>', headers: { authorization: '<secret>' } } });

    await expect(attempt).rejects.toBeInstanceOf(InvalidPayloadError);
    await expect(attempt).rejects.toMatchObject({ issues: [{ field: 'settings.url' }, { field: 'settings.headers' }] });
  });

  it('are refused under names the channel does not know, which would never be sent nor masked: nothing is stored, the 400 names the field and not its value', async () => {
    const { receivers, put } = setup();

    const error = await put('hook', { channel: 'webhook', settings: { url: 'https://hooks.example.com/in', apiKey: HEADER_TOKEN } }).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(InvalidPayloadError);
    expect((error as InvalidPayloadError).issues.map((issue) => issue.field)).toEqual(['settings.apiKey']);
    expectNoTrace(JSON.stringify({ message: (error as Error).message, issues: (error as InvalidPayloadError).issues }), HEADER_TOKEN);
    expect(await receivers.get({ accountId: 'acme', name: 'hook' })).toBeUndefined();
  });

  it('are declared by every channel, among the settings its schema names', () => {
    for (const [type, channel] of channelRegistry) {
      const schema = channel.settingsSchema as z.ZodType;
      expect(schema, type).toBeInstanceOf(z.ZodObject);
      expect(channel.secretSettings.length, type).toBeGreaterThan(0);
      for (const name of channel.secretSettings) expect(Object.keys((schema as z.ZodObject).shape), type).toContain(name);
    }
  });
});
