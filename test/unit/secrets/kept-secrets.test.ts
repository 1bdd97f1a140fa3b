import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { putReceiver } from '../../../lib/api/receivers-api.js';
import { InvalidPayloadError } from '../../../lib/ingest/ingest-errors.js';
import { channelRegistry } from '../../../lib/notify/channel-registry.js';
import { openReceiverSettings } from '../../../lib/receivers/receiver-secrets.js';
import { keepStoredConfigSecrets, keepStoredSecrets, type StoredSettings } from '../../../lib/secrets/kept-secrets.js';
import { LocalKeySealer } from '../../../lib/secrets/sealer.js';
import { aReceiver, MemoryReceiverStore } from '../../helpers/memory-stores.js';

const URL_KEY = 'UrlKeySecretValue0123456789';
const TOKEN = 'HeaderTokenSecretValue42';
const API_KEY = 'ApiKeySecretValue77';

/** A webhook receiver as stored: its URL and headers sealed, shown as masks. */
const storedHook: StoredSettings = {
  channel: 'webhook',
  opened: { url: `https://hooks.example.com/in/${URL_KEY}`, headers: { authorization: `Bearer ${TOKEN}`, 'x-api-key': API_KEY }, timeoutMs: 5000 },
  shown: { url: 'https://hooks.example.com/<redacted>', headers: { authorization: '<secret>', 'x-api-key': '<secret>' }, timeoutMs: 5000 },
};
const webhookSecrets = ['url', 'headers'];

/** What a refusal says, for searching it for secrets. */
function refusal(act: () => unknown): InvalidPayloadError {
  try {
    act();
  } catch (error) {
    if (error instanceof InvalidPayloadError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

function expectNoSecret(error: InvalidPayloadError): void {
  const text = JSON.stringify({ message: error.message, issues: error.issues });
  for (const secret of [URL_KEY, TOKEN, API_KEY]) expect(text).not.toContain(secret.slice(0, 8));
}

describe('keepStoredSecrets', () => {
  it('keeps every stored secret sent back exactly as the API shows it', () => {
    const settings = keepStoredSecrets({ ...storedHook.shown, timeoutMs: 8000 }, { channel: 'webhook', stored: storedHook, secretSettings: webhookSecrets });

    expect(settings).toEqual({ ...storedHook.opened, timeoutMs: 8000 });
  });

  it('takes a secret sent in full as the new value', () => {
    const settings = keepStoredSecrets(
      { url: 'https://hooks.example.com/<redacted>', headers: { authorization: 'Bearer new-token', 'x-api-key': '<secret>' } },
      { channel: 'webhook', stored: storedHook, secretSettings: webhookSecrets },
    );

    expect(settings).toEqual({ url: storedHook.opened.url, headers: { authorization: 'Bearer new-token', 'x-api-key': API_KEY } });
  });

  it("keeps an object's masked keys, takes its new keys and drops the keys left out", () => {
    const settings = keepStoredSecrets(
      { url: 'https://hooks.example.com/<redacted>', headers: { 'x-api-key': '<secret>', 'x-team': 'shop' } },
      { channel: 'webhook', stored: storedHook, secretSettings: webhookSecrets },
    );

    expect(settings.headers).toEqual({ 'x-api-key': API_KEY, 'x-team': 'shop' });
  });

  it('refuses a masked key that has no stored value, naming the key and not a value', () => {
    const error = refusal(() =>
      keepStoredSecrets({ url: 'https://hooks.example.com/<redacted>', headers: { cookie: '<secret>', constructor: '<secret>' } }, { channel: 'webhook', stored: storedHook, secretSettings: webhookSecrets }),
    );

    expect(error.issues).toEqual([{ field: 'settings.headers', message: 'masks "cookie", "constructor" with no stored value: send the value itself' }]);
  });

  it('keeps nothing when the URL changes: each masked field is named, with the destination that moved', () => {
    const stored: StoredSettings = {
      channel: 'slack',
      opened: { token: TOKEN, channel: 'C1', apiBaseUrl: 'https://slack.example.com' },
      shown: { token: '<secret>', channel: 'C1', apiBaseUrl: 'https://slack.example.com' },
    };

    const error = refusal(() =>
      keepStoredSecrets({ token: '<secret>', channel: 'C1', apiBaseUrl: 'https://collector.attacker.example' }, { channel: 'slack', stored, secretSettings: ['webhookUrl', 'token'] }),
    );

    expect(error.issues).toEqual([{ field: 'settings.token', message: 'the destination (settings.apiBaseUrl) changed: send the secret again' }]);
    expectNoSecret(error);
  });

  it('counts a destination left out, or added, as changed', () => {
    const stored: StoredSettings = { channel: 'slack', opened: { token: TOKEN, apiBaseUrl: 'https://slack.example.com' }, shown: { token: '<secret>', apiBaseUrl: 'https://slack.example.com' } };
    const request = { channel: 'slack', stored, secretSettings: ['token'] };

    const removed = refusal(() => keepStoredSecrets({ token: '<secret>' }, request));
    const added = refusal(() => keepStoredSecrets({ token: '<secret>', apiBaseUrl: 'https://slack.example.com', apiUrl: 'https://x.example' }, request));

    expect(removed.issues[0]!.message).toContain('settings.apiBaseUrl');
    expect(added.issues[0]!.message).toContain('settings.apiUrl');
  });

  it('keeps nothing when a secret destination (the webhook URL) is sent anew, without comparing it with the stored one', () => {
    // Even the very same URL typed again: comparing it with the secret would tell whoever guesses it that they guessed right.
    for (const url of ['https://collector.attacker.example/in', storedHook.opened.url]) {
      const error = refusal(() => keepStoredSecrets({ url, headers: storedHook.shown.headers }, { channel: 'webhook', stored: storedHook, secretSettings: webhookSecrets }));

      expect(error.issues).toEqual([{ field: 'settings.headers', message: 'the destination (settings.url) changed: send the secret again' }]);
      expectNoSecret(error);
    }
  });

  it('keeps nothing after a channel change', () => {
    const error = refusal(() => keepStoredSecrets({ webhookUrl: 'https://hooks.example.com/<redacted>' }, { channel: 'slack', stored: storedHook, secretSettings: ['webhookUrl', 'token'] }));

    expect(error.issues).toEqual([{ field: 'settings.webhookUrl', message: 'is a masked value and the channel changed: send the secret itself' }]);
  });

  it('keeps nothing for a receiver that does not exist yet, or a setting with no stored value', () => {
    const none = refusal(() => keepStoredSecrets({ url: 'https://hooks.example.com/<redacted>' }, { channel: 'webhook', stored: undefined, secretSettings: webhookSecrets }));
    const slack: StoredSettings = { channel: 'slack', opened: { webhookUrl: 'https://hooks.slack.com/services/T/B/x' }, shown: { webhookUrl: 'https://hooks.slack.com/<redacted>' } };
    const unset = refusal(() => keepStoredSecrets({ webhookUrl: 'https://hooks.slack.com/<redacted>', token: '<secret>' }, { channel: 'slack', stored: slack, secretSettings: ['webhookUrl', 'token'] }));

    expect(none.issues).toEqual([{ field: 'settings.url', message: 'is a masked value and nothing is stored to keep: send the secret itself' }]);
    expect(unset.issues).toEqual([{ field: 'settings.token', message: 'is a masked value and nothing is stored to keep: send the secret itself' }]);
  });

  it('refuses an object with a masked key when nothing is stored, though its other keys are new', () => {
    const error = refusal(() =>
      keepStoredSecrets({ url: 'https://hooks.example.com/in', headers: { authorization: '<secret>', 'x-team': 'a' } }, { channel: 'webhook', stored: undefined, secretSettings: webhookSecrets }),
    );

    expect(error.issues).toEqual([{ field: 'settings.headers', message: 'is a masked value and nothing is stored to keep: send the secret itself' }]);
  });

  it('refuses a mask that is not the one shown for the stored value (another host)', () => {
    const error = refusal(() => keepStoredSecrets({ url: 'https://elsewhere.example/<redacted>' }, { channel: 'webhook', stored: storedHook, secretSettings: webhookSecrets }));

    expect(error.issues).toEqual([{ field: 'settings.url', message: 'is a masked value that is not the stored one: send the secret itself' }]);
  });
});

describe('keepStoredConfigSecrets', () => {
  const sealer = new LocalKeySealer(randomBytes(32));
  const smtp = async () => ({
    channel: 'email-smtp',
    settingNames: ['auth', 'from', 'host', 'port'],
    sealedSettings: await sealer.seal(JSON.stringify({ host: 'smtp.example.com', port: 587, from: 'alerts@example.com', auth: { user: 'alerts', password: TOKEN } })),
  });

  it('keeps each setting sent as <secret> and takes the others', async () => {
    const settings = await keepStoredConfigSecrets({ host: '<secret>', port: '<secret>', from: 'noc@example.com', auth: '<secret>' }, 'email-smtp', await smtp(), sealer);

    expect(settings).toEqual({ host: 'smtp.example.com', port: 587, from: 'noc@example.com', auth: { user: 'alerts', password: TOKEN } });
  });

  it('keeps nothing when the host is sent with a new value', async () => {
    const error = await keepStoredConfigSecrets({ host: 'smtp.attacker.example', port: '<secret>', auth: '<secret>' }, 'email-smtp', await smtp(), sealer).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidPayloadError);
    expect((error as InvalidPayloadError).issues).toEqual([
      { field: 'settings.port', message: 'the destination (settings.host) changed: send the secret again' },
      { field: 'settings.auth', message: 'the destination (settings.host) changed: send the secret again' },
    ]);
    expectNoSecret(error as InvalidPayloadError);
  });

  it("refuses a config object's keys masked one by one, since its answer shows the object as one <secret>", async () => {
    const error = await keepStoredConfigSecrets({ host: '<secret>', port: '<secret>', auth: { user: '<secret>', password: 'new' } }, 'email-smtp', await smtp(), sealer).catch((e: unknown) => e);

    expect((error as InvalidPayloadError).issues).toEqual([{ field: 'settings.auth', message: 'is a masked value that is not the stored one: send the secret itself' }]);
  });

  it('keeps nothing for a config that does not exist yet, or of another channel', async () => {
    const none = await keepStoredConfigSecrets({ auth: '<secret>' }, 'email-smtp', undefined, sealer).catch((e: unknown) => e);
    const other = await keepStoredConfigSecrets({ botToken: '<secret>' }, 'telegram', await smtp(), sealer).catch((e: unknown) => e);

    expect((none as InvalidPayloadError).issues).toEqual([{ field: 'settings.auth', message: expect.stringContaining('nothing is stored') }]);
    expect((other as InvalidPayloadError).issues).toEqual([{ field: 'settings.botToken', message: expect.stringContaining('channel changed') }]);
  });
});

describe('putReceiver with masks written back', () => {
  function setup() {
    const receivers = new MemoryReceiverStore();
    const sealer = new LocalKeySealer(randomBytes(32));
    const put = (name: string, body: unknown) =>
      putReceiver({ accountId: 'acme' }, name, body, undefined, {
        receivers,
        channels: channelRegistry,
        now: () => new Date('2026-11-25T10:00:00Z'),
        sealer,
        settingsWithConfig: async (draft) => draft.settings,
      });
    return { receivers, sealer, put };
  }

  it('keeps the sealed secrets when only the grouping changes', async () => {
    const { sealer, put } = setup();
    const written = await put('hook', { channel: 'webhook', settings: storedHook.opened });

    const edited = await put('hook', { channel: 'webhook', settings: written.settings, grouping: { groupBy: ['alertname'] } });

    expect(edited.settings).toEqual(storedHook.shown);
    expect(await openReceiverSettings(edited, sealer)).toEqual(storedHook.opened);
    expect(edited.version).toBe(2);
  });

  it('keeps the plain-text secrets of a receiver stored before sealing, and seals them', async () => {
    const { receivers, sealer, put } = setup();
    await receivers.put(aReceiver({ name: 'legacy', settings: storedHook.opened }), 0);

    const edited = await put('legacy', { channel: 'webhook', settings: storedHook.shown });

    expect(JSON.stringify(edited)).not.toContain(TOKEN);
    expect(edited.sealedSettings).toMatch(/^local:v1:/);
    expect(await openReceiverSettings(edited, sealer)).toEqual(storedHook.opened);
  });

  it('stores nothing when the guard refuses', async () => {
    const { receivers, put } = setup();
    await put('hook', { channel: 'webhook', settings: storedHook.opened });

    const attempt = put('hook', { channel: 'webhook', settings: { url: 'https://collector.attacker.example/in', headers: storedHook.shown.headers } });

    await expect(attempt).rejects.toMatchObject({ issues: [{ field: 'settings.headers', message: 'the destination (settings.url) changed: send the secret again' }] });
    expect((await receivers.get({ accountId: 'acme', name: 'hook' }))!.version).toBe(1);
  });
});
