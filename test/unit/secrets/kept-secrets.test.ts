import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { putReceiver } from '../../../lib/api/receivers-api.js';
import { InvalidPayloadError } from '../../../lib/ingest/ingest-errors.js';
import { openReceiverSettings } from '../../../lib/receivers/receiver-secrets.js';
import { keepStoredConfigSecrets, keepStoredSecrets } from '../../../lib/secrets/kept-secrets.js';
import { LocalKeySealer } from '../../../lib/secrets/sealer.js';
import { aReceiver } from '../../helpers/memory-stores.js';
import { aReceiverApi } from '../../helpers/receiver-api.js';

const URL_KEY = 'UrlKeySecretValue0123456789';
const TOKEN = 'HeaderTokenSecretValue42';
const API_KEY = 'ApiKeySecretValue77';

/** A receiver or config as stored: its settings opened, and as the API shows them; `opens` counts how often it was opened. */
function aStored(channel: string, opened: Record<string, unknown>, shown: Record<string, unknown>) {
  const stored = {
    channel,
    shown,
    opened,
    opens: 0,
    open: async () => {
      stored.opens += 1;
      return opened;
    },
  };
  return stored;
}

/** A webhook receiver as stored: its URL and headers sealed, shown as masks. */
const storedHook = aStored(
  'webhook',
  { url: `https://hooks.example.com/in/${URL_KEY}`, headers: { authorization: `Bearer ${TOKEN}`, 'x-api-key': API_KEY }, timeoutMs: 5000 },
  { url: 'https://hooks.example.com/<redacted>', headers: { authorization: '<secret>', 'x-api-key': '<secret>' }, timeoutMs: 5000 },
);
const webhookSecrets = ['url', 'headers'];
const keepHook = (sent: Record<string, unknown>) => keepStoredSecrets(sent, { channel: 'webhook', stored: storedHook, secretSettings: webhookSecrets });

/** The refusal an attempt ends in. */
async function refusal(attempt: Promise<unknown>): Promise<InvalidPayloadError> {
  const error = await attempt.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(InvalidPayloadError);
  return error as InvalidPayloadError;
}

function expectNoSecret(error: InvalidPayloadError): void {
  const text = JSON.stringify({ message: error.message, issues: error.issues });
  for (const secret of [URL_KEY, TOKEN, API_KEY]) expect(text).not.toContain(secret.slice(0, 8));
}

describe('keepStoredSecrets', () => {
  it('keeps every stored secret sent back exactly as the API shows it', async () => {
    const settings = await keepHook({ ...storedHook.shown, timeoutMs: 8000 });

    expect(settings).toEqual({ ...storedHook.opened, timeoutMs: 8000 });
  });

  it('takes secrets sent in full as they are, without opening the stored ones', async () => {
    const stored = aStored('webhook', storedHook.opened, storedHook.shown);
    const sent = { url: 'https://hooks.example.com/in/new', headers: { authorization: 'Bearer new-token' } };

    const settings = await keepStoredSecrets(sent, { channel: 'webhook', stored, secretSettings: webhookSecrets });

    expect(settings).toEqual(sent);
    expect(stored.opens).toBe(0);
  });

  it('keeps a masked secret and takes another sent in full', async () => {
    const settings = await keepHook({ url: 'https://hooks.example.com/<redacted>', headers: { authorization: 'Bearer new-token', 'x-api-key': '<secret>' } });

    expect(settings).toEqual({ url: storedHook.opened.url, headers: { authorization: 'Bearer new-token', 'x-api-key': API_KEY } });
  });

  it("keeps an object's masked keys, takes its new keys and drops the keys left out", async () => {
    const settings = await keepHook({ url: 'https://hooks.example.com/<redacted>', headers: { 'x-api-key': '<secret>', 'x-team': 'shop' } });

    expect(settings.headers).toEqual({ 'x-api-key': API_KEY, 'x-team': 'shop' });
  });

  it('refuses a masked key that has no stored value, naming the key and not a value', async () => {
    const error = await refusal(keepHook({ url: 'https://hooks.example.com/<redacted>', headers: { cookie: '<secret>', constructor: '<secret>' } }));

    expect(error.issues).toEqual([{ field: 'settings.headers', message: 'masks "cookie", "constructor" with no stored value: send the value itself' }]);
  });

  it('keeps nothing when the URL changes: each masked field is named, with the destination that moved', async () => {
    const stored = aStored('slack', { token: TOKEN, channel: 'C1', apiBaseUrl: 'https://slack.example.com' }, { token: '<secret>', channel: 'C1', apiBaseUrl: 'https://slack.example.com' });

    const error = await refusal(
      keepStoredSecrets({ token: '<secret>', channel: 'C1', apiBaseUrl: 'https://collector.attacker.example' }, { channel: 'slack', stored, secretSettings: ['webhookUrl', 'token'] }),
    );

    expect(error.issues).toEqual([{ field: 'settings.token', message: 'the destination (settings.apiBaseUrl) changed: send the secret again' }]);
    expectNoSecret(error);
  });

  it('counts a destination left out, or added, as changed', async () => {
    const stored = aStored('slack', { token: TOKEN, apiBaseUrl: 'https://slack.example.com' }, { token: '<secret>', apiBaseUrl: 'https://slack.example.com' });
    const request = { channel: 'slack', stored, secretSettings: ['token'] };

    const removed = await refusal(keepStoredSecrets({ token: '<secret>' }, request));
    const added = await refusal(keepStoredSecrets({ token: '<secret>', apiBaseUrl: 'https://slack.example.com', apiUrl: 'https://x.example' }, request));

    expect(removed.issues[0]!.message).toContain('settings.apiBaseUrl');
    expect(added.issues[0]!.message).toContain('settings.apiUrl');
  });

  it('keeps nothing when a routing field changes, such as the selector of the config whose URL applies', async () => {
    const stored = aStored('slack', { token: TOKEN, channel: 'C1' }, { token: '<secret>', channel: 'C1' });
    const request = (sent: unknown) => ({ channel: 'slack', stored, secretSettings: ['token'], routing: [{ field: 'configSelector', sent, stored: { team: 'a' } }] });

    const kept = await keepStoredSecrets({ token: '<secret>', channel: 'C1' }, request({ team: 'a' }));
    const error = await refusal(keepStoredSecrets({ token: '<secret>', channel: 'C1' }, request({ team: 'attacker' })));

    expect(kept.token).toBe(TOKEN);
    expect(error.issues).toEqual([{ field: 'settings.token', message: 'the destination (configSelector) changed: send the secret again' }]);
  });

  it('keeps nothing when a secret destination (the webhook URL) is sent anew, without comparing it with the stored one', async () => {
    // Even the very same URL typed again: comparing it with the secret would tell whoever guesses it that they guessed right.
    for (const url of ['https://collector.attacker.example/in', storedHook.opened.url]) {
      const error = await refusal(keepHook({ url, headers: storedHook.shown.headers }));

      expect(error.issues).toEqual([{ field: 'settings.headers', message: 'the destination (settings.url) changed: send the secret again' }]);
      expectNoSecret(error);
    }
  });

  it('keeps nothing after a channel change, and opens nothing', async () => {
    const stored = aStored('webhook', storedHook.opened, storedHook.shown);

    const error = await refusal(keepStoredSecrets({ webhookUrl: 'https://hooks.example.com/<redacted>' }, { channel: 'slack', stored, secretSettings: ['webhookUrl', 'token'] }));

    expect(error.issues).toEqual([{ field: 'settings.webhookUrl', message: 'is a masked value and the channel changed: send the secret itself' }]);
    expect(stored.opens).toBe(0);
  });

  it('keeps nothing for a receiver that does not exist yet, or a setting with no stored value', async () => {
    const none = await refusal(keepStoredSecrets({ url: 'https://hooks.example.com/<redacted>' }, { channel: 'webhook', stored: undefined, secretSettings: webhookSecrets }));
    const slack = aStored('slack', { webhookUrl: 'https://hooks.slack.com/services/T/B/x' }, { webhookUrl: 'https://hooks.slack.com/<redacted>' });
    const unset = await refusal(keepStoredSecrets({ webhookUrl: 'https://hooks.slack.com/<redacted>', token: '<secret>' }, { channel: 'slack', stored: slack, secretSettings: ['webhookUrl', 'token'] }));

    expect(none.issues).toEqual([{ field: 'settings.url', message: 'is a masked value and nothing is stored to keep: send the secret itself' }]);
    expect(unset.issues).toEqual([{ field: 'settings.token', message: 'is a masked value and nothing is stored to keep: send the secret itself' }]);
  });

  it('refuses an object with a masked key when nothing is stored, though its other keys are new', async () => {
    const error = await refusal(
      keepStoredSecrets({ url: 'https://hooks.example.com/in', headers: { authorization: '<secret>', 'x-team': 'a' } }, { channel: 'webhook', stored: undefined, secretSettings: webhookSecrets }),
    );

    expect(error.issues).toEqual([{ field: 'settings.headers', message: 'is a masked value and nothing is stored to keep: send the secret itself' }]);
  });

  it('refuses a mask that is not the one shown for the stored value (another host)', async () => {
    const error = await refusal(keepHook({ url: 'https://elsewhere.example/<redacted>' }));

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
  const setup = aReceiverApi;

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

  it('keeps nothing when the config selector changes, and keeps the secrets while it stays', async () => {
    const { put } = setup();
    const slack = { channel: 'slack', settings: { token: TOKEN, channel: 'C1' }, configSelector: { team: 'a' } };
    await put('slack', slack);
    const masks = { token: '<secret>', channel: 'C1' };

    const moved = put('slack', { ...slack, settings: masks, configSelector: { team: 'b' } });
    const kept = await put('slack', { ...slack, settings: masks });

    await expect(moved).rejects.toMatchObject({ issues: [{ field: 'settings.token', message: 'the destination (configSelector) changed: send the secret again' }] });
    expect(kept.version).toBe(2);
  });

  it('stores nothing when the guard refuses', async () => {
    const { receivers, put } = setup();
    await put('hook', { channel: 'webhook', settings: storedHook.opened });

    const attempt = put('hook', { channel: 'webhook', settings: { url: 'https://collector.attacker.example/in', headers: storedHook.shown.headers } });

    await expect(attempt).rejects.toMatchObject({ issues: [{ field: 'settings.headers', message: 'the destination (settings.url) changed: send the secret again' }] });
    expect((await receivers.get({ accountId: 'acme', name: 'hook' }))!.version).toBe(1);
  });
});
