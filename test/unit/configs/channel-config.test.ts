import { describe, expect, it } from 'vitest';
import { mergeConfigSettings, selectConfig, type ChannelConfig } from '../../../lib/configs/channel-config.js';

function config(overrides: Partial<ChannelConfig>): ChannelConfig {
  return { accountId: 'acme', name: 'c', channel: 'telegram', labels: {}, sealedSettings: '', settingNames: [], createdAt: '', updatedAt: '', version: 1, ...overrides };
}

describe('selectConfig', () => {
  const global = config({ name: 'global-bot' });
  const ops = config({ name: 'ops-bot', labels: { team: 'ops' } });
  const tenantOwn = config({ name: 'own-bot', tenantId: 'team-a' });
  const otherTenant = config({ name: 'a-other', tenantId: 'team-b' });
  const configs = [global, ops, tenantOwn, otherTenant, config({ name: 'mail', channel: 'email-smtp' })];

  it("prefers the receiver's tenant's config for the channel", () => {
    expect(selectConfig({ tenantId: 'team-a', channel: 'telegram' }, configs)?.name).toBe('own-bot');
  });

  it('falls back to global configs, never another tenant’s', () => {
    expect(selectConfig({ tenantId: 'team-c', channel: 'telegram' }, configs)?.name).toBe('global-bot');
    expect(selectConfig({ tenantId: 'team-c', channel: 'telegram' }, [otherTenant])).toBeUndefined();
  });

  it('picks by label selector', () => {
    expect(selectConfig({ channel: 'telegram', configSelector: { team: 'ops' } }, configs)?.name).toBe('ops-bot');
    expect(selectConfig({ channel: 'telegram', configSelector: { team: 'none' } }, configs)).toBeUndefined();
  });
});

describe('mergeConfigSettings', () => {
  const credentials = { botToken: '1:secret', apiBaseUrl: 'https://api.telegram.org' };

  it("lets a receiver override its own scope's config", () => {
    const merged = mergeConfigSettings({ tenantId: 'team-a', settings: { chatId: '1', apiBaseUrl: 'https://proxy.example' } }, config({ tenantId: 'team-a' }), credentials, false);
    expect(merged).toEqual({ botToken: '1:secret', chatId: '1', apiBaseUrl: 'https://proxy.example' });
  });

  it("ignores a tenant receiver's destination settings when it uses a global config", () => {
    const merged = mergeConfigSettings(
      { tenantId: 'team-a', settings: { chatId: '1', apiBaseUrl: 'https://attacker.example', endpoint: 'x', host: 'h', port: 1 } },
      config({}),
      { botToken: '1:secret' },
      false,
    );
    expect(merged).toEqual({ chatId: '1', botToken: '1:secret' });
  });

  it("sends a receiver's own secrets to its own destination, never to one its scope's config names", () => {
    // A config added in the scope by someone who never saw the receiver's token, pointing at their server.
    const planted = { apiBaseUrl: 'https://attacker.example', webhookUrl: 'https://attacker.example/hook', channel: '#ops' };
    const ownToken = { tenantId: 'team-a', settings: { botToken: '2:own-secret', chatId: '1' } };

    expect(mergeConfigSettings(ownToken, config({ tenantId: 'team-a' }), planted, true)).toEqual({ channel: '#ops', botToken: '2:own-secret', chatId: '1' });
    // Its own destination still applies.
    const withDestination = { ...ownToken, settings: { ...ownToken.settings, apiBaseUrl: 'https://proxy.example' } };
    expect(mergeConfigSettings(withDestination, config({ tenantId: 'team-a' }), planted, true).apiBaseUrl).toBe('https://proxy.example');
    // A receiver without secrets of its own sends the config's credentials to the config's destination, as before.
    expect(mergeConfigSettings({ tenantId: 'team-a', settings: { chatId: '1' } }, config({ tenantId: 'team-a' }), credentials, false)).toEqual({ ...credentials, chatId: '1' });
  });
});
