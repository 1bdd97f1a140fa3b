import { describe, expect, it } from 'vitest';
import { settingsOf, storedMasks, valuesOf, type SettingField } from '../../../console/src/channel-fields.js';
import { channelFieldsOf } from '../../../infra/console-channel-fields.js';
import { channelRegistry } from '../../../lib/notify/channel-registry.js';

const byChannel = new Map(channelFieldsOf(channelRegistry).map(({ channel, fields }) => [channel, fields]));
const field = (channel: string, name: string) => byChannel.get(channel)?.find((f) => f.name === name);

describe('channelFieldsOf', () => {
  it('gives every channel the API accepts a form with each of its settings', () => {
    expect([...byChannel.keys()].sort()).toEqual([...channelRegistry.keys()].sort());
    for (const [channel, { settingsSchema }] of channelRegistry) {
      const shape = (settingsSchema as unknown as { shape?: Record<string, unknown> }).shape ?? (settingsSchema as unknown as { def: { in?: { shape: Record<string, unknown> } } }).def.in?.shape;
      if (shape !== undefined) expect(byChannel.get(channel)!.map((f) => f.name).sort(), channel).toEqual(Object.keys(shape).sort());
    }
  });

  it('marks the channel’s secret settings, inside groups too, and which settings the API requires', () => {
    expect(field('webhook', 'url')).toMatchObject({ kind: 'url', required: true, secret: true });
    expect(field('webhook', 'headers')).toMatchObject({ kind: 'pairs', required: false, secret: true });
    expect(field('webhook', 'timeoutMs')).toMatchObject({ kind: 'number', required: false, secret: false, default: 10_000, min: 100, max: 30_000 });
    expect(field('email-smtp', 'auth')).toMatchObject({ kind: 'group', secret: true, fields: [expect.objectContaining({ name: 'user', secret: true, required: true }), expect.objectContaining({ name: 'password', secret: true })] });
    expect(field('email-smtp', 'to')).toMatchObject({ kind: 'list', required: true });
    expect(field('wecom-app', 'msgType')).toMatchObject({ kind: 'choice', choices: ['markdown', 'text'], default: 'markdown' });
    expect(field('telegram', 'chatId')).toMatchObject({ kind: 'text', required: true });
    expect(field('dingtalk', 'isAtAll')).toMatchObject({ kind: 'boolean', default: false });
    expect(field('wecom-app', 'agentId')).not.toHaveProperty('max');
  });
});

describe('settings forms', () => {
  const fields: SettingField[] = [
    { name: 'url', kind: 'url', required: true, secret: true },
    { name: 'host', kind: 'text', required: true, secret: false },
    { name: 'port', kind: 'number', required: false, secret: false, default: 587 },
    { name: 'secure', kind: 'boolean', required: false, secret: false, default: false },
    { name: 'to', kind: 'list', required: true, secret: false },
    { name: 'headers', kind: 'pairs', required: false, secret: false },
    { name: 'auth', kind: 'group', required: false, secret: true, fields: [{ name: 'user', kind: 'text', required: true, secret: true }] },
  ];

  it('fills the form from what the API shows, leaving every secret empty', () => {
    const values = valuesOf(fields, { url: 'https://hooks.example/<redacted>', host: 'smtp.example', port: 25, secure: true, to: ['a@x.io', 'b@x.io'], headers: { 'X-Team': 'a' }, auth: { user: '<secret>' } });
    expect(values).toEqual({ url: '', host: 'smtp.example', port: '25', secure: true, to: 'a@x.io\nb@x.io', headers: 'X-Team: a', 'auth.user': '' });
  });

  it('sends what was typed, leaving empty inputs and untouched defaults out, and a bad number as typed for the API to name', () => {
    const settings = settingsOf(fields, { url: ' https://h.example/k ', host: ' smtp.example ', port: 'five', secure: false, to: 'a@x.io\n\n b@x.io ', headers: 'X-Key: 1: 2', 'auth.user': '' });
    expect(settings).toEqual({ url: ' https://h.example/k ', host: 'smtp.example', port: 'five', to: ['a@x.io', 'b@x.io'], headers: { 'X-Key': '1: 2' } });
    expect(settingsOf(fields, { port: '2525', secure: true, 'auth.user': 'me' })).toEqual({ port: 2525, secure: true, auth: { user: 'me' } });
  });

  describe('editing what is stored', () => {
    const hook: SettingField[] = [
      { name: 'url', kind: 'url', required: true, secret: true },
      { name: 'headers', kind: 'pairs', required: false, secret: true },
      { name: 'timeoutMs', kind: 'number', required: false, secret: false },
      { name: 'auth', kind: 'group', required: false, secret: true, fields: [{ name: 'user', kind: 'text', required: true, secret: true }, { name: 'password', kind: 'text', required: true, secret: true }] },
    ];
    const shown = { url: 'https://hooks.example/<redacted>', headers: { authorization: '<secret>', 'x-api-key': '<secret>' }, timeoutMs: 5000, auth: { user: '<secret>', password: '<secret>' } };

    it("sends a receiver's masks back for the secrets left empty, so the API keeps them", () => {
      const values = valuesOf(hook, shown);

      expect(values).toMatchObject({ url: '', headers: 'authorization: <secret>\nx-api-key: <secret>', 'auth.user': '', 'auth.password': '' });
      expect(settingsOf(hook, values, '', storedMasks(hook, shown))).toEqual(shown);
    });

    it('replaces what is typed: a secret, one key of a group, a header line; a deleted header line is removed', () => {
      const values = { ...valuesOf(hook, shown), url: 'https://new.example/k', headers: 'authorization: Bearer new\nx-team: a', 'auth.password': 'pw' };

      expect(settingsOf(hook, values, '', storedMasks(hook, shown))).toEqual({
        url: 'https://new.example/k',
        headers: { authorization: 'Bearer new', 'x-team': 'a' },
        timeoutMs: 5000,
        auth: { user: '<secret>', password: 'pw' },
      });
    });

    it("sends <secret> for each of a config's stored settings left empty, which the config answer shows for all of them", () => {
      const config = { url: '<secret>', headers: '<secret>', timeoutMs: '<secret>', auth: '<secret>' };
      const values = { ...valuesOf(hook, undefined), timeoutMs: '800' };

      expect(settingsOf(hook, values, '', config)).toEqual({ url: '<secret>', headers: '<secret>', timeoutMs: 800, auth: '<secret>' });
    });
  });
});
