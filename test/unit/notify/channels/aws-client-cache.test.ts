import { describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { createOutboundHttp } from '../../../../lib/net/outbound-http.js';
import type { AwsClientSettings } from '../../../../lib/notify/aws-services.js';
import { AwsClientCache, type AwsClientConfig } from '../../../../lib/notify/channels/aws-request-handler.js';

const http = createOutboundHttp({ policy: new AddressPolicy(['127.0.0.1/32']) });
const settings: AwsClientSettings = {
  region: 'eu-west-1',
  endpoint: 'http://127.0.0.1:4566',
  credentials: { accessKeyId: 'AKIAEXAMPLECACHEKEY1', secretAccessKey: 'cacheSecretAccessKeyExample' },
  timeoutMs: 10_000,
};

/** A cache whose clients are the configs they were built from, counting builds. */
function aCache() {
  const built: AwsClientConfig[] = [];
  const cache = new AwsClientCache<AwsClientConfig>();
  const get = (wanted: AwsClientSettings, through = http) =>
    cache.get(wanted, through, (config) => {
      built.push(config);
      return config;
    });
  return { built, get };
}

describe('AwsClientCache', () => {
  it('builds one client per destination and reuses it for later sends', () => {
    // Prepare
    const { built, get } = aCache();

    // Act
    const first = get(settings);
    const second = get({ ...settings });

    // Assess
    expect(second).toBe(first);
    expect(built).toHaveLength(1);
    expect(first).toMatchObject({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566', credentials: settings.credentials, maxAttempts: 1 });
  });

  it.each<[string, Partial<AwsClientSettings>]>([
    ['region', { region: 'us-east-1' }],
    ['endpoint', { endpoint: undefined }],
    ['credentials', { credentials: { accessKeyId: 'AKIAEXAMPLECACHEKEY2', secretAccessKey: 'another' } }],
    ['timeout', { timeoutMs: 5_000 }],
  ])('builds another client when the %s differs', (_, change) => {
    const { built, get } = aCache();

    const first = get(settings);
    const other = get({ ...settings, ...change });

    expect(other).not.toBe(first);
    expect(built).toHaveLength(2);
  });

  it('builds another client for another outbound HTTP, since the client sends through it', () => {
    const { built, get } = aCache();

    get(settings);
    get(settings, createOutboundHttp({ policy: new AddressPolicy() }));

    expect(built).toHaveLength(2);
  });

  it('keeps at most 64 clients, dropping the least recently used', () => {
    const { built, get } = aCache();
    const numbered = (n: number) => ({ ...settings, endpoint: `http://127.0.0.1:${5000 + n}` });
    for (let n = 0; n < 64; n++) get(numbered(n));

    get(numbered(0));
    get(numbered(64));
    get(numbered(0));
    get(numbered(1));

    // 0 was used again before the 65th arrived, so 1 was dropped and is built again.
    expect(built.map((config) => config.endpoint)).toEqual([...Array.from({ length: 65 }, (_, n) => numbered(n).endpoint), numbered(1).endpoint]);
  });
});
