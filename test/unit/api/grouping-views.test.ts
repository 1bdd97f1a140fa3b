import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { handleApiRequest, type ApiDependencies } from '../../../lib/api/api-routes.js';
import type { ApiRequest } from '../../../lib/api/api-types.js';
import type { AccountSettings } from '../../../lib/route/router.js';
import { channelRegistry } from '../../../lib/notify/channel-registry.js';
import { LocalKeySealer } from '../../../lib/secrets/sealer.js';
import { MemoryReceiverStore } from '../../helpers/memory-stores.js';

/** The API over in-memory receivers and settings: what the receiver and settings routes read and write. */
function memoryApi() {
  const settings = new Map<string, AccountSettings>();
  const stores = {
    receivers: new MemoryReceiverStore(),
    settings: {
      get: async (accountId: string) => settings.get(accountId),
      put: async (accountId: string, _id: string, item: AccountSettings) => void settings.set(accountId, item),
    },
    configs: { all: async () => [] },
    tenants: { get: async (accountId: string, id: string) => ({ accountId, id, keys: [], bindings: [], workspaces: [], createdAt: '2026-01-01T00:00:00.000Z', version: 1 }) },
  };
  const deps = { stores, channels: channelRegistry, sealer: new LocalKeySealer(randomBytes(32)), now: () => new Date('2026-11-25T10:00:00Z') } as unknown as ApiDependencies;
  const call = async (method: string, path: string, body?: unknown) => {
    const request: ApiRequest = { method, path, query: {}, queryAll: () => [], header: () => undefined, json: () => body, principal: { kind: 'operator' } };
    return (await handleApiRequest(request, deps)).body as Record<string, any>;
  };
  return { call };
}

const A = '/v1/accounts/acme';
const hook = { channel: 'webhook', settings: { url: 'https://hooks.example.com/in' } };

describe('grouping in API answers', () => {
  it("shows a receiver's effective grouping: its own values over the account's settings over Alertmanager's defaults, in every answer", async () => {
    // Prepare
    const { call } = memoryApi();
    await call('PUT', `${A}/settings`, { grouping: { groupBy: ['alertname'], groupWait: '10s', repeatInterval: '12h' } });

    // Act
    const put = await call('PUT', `${A}/receivers/ops`, { ...hook, grouping: { repeatInterval: '1h' } });
    const tenantPut = await call('PUT', `${A}/tenants/team-a/receivers/ops`, hook);
    const got = await call('GET', `${A}/receivers/ops`);
    const listed = (await call('GET', `${A}/receivers`)).items[0];
    const tenantListed = (await call('GET', `${A}/tenants/team-a/receivers`)).items[0];

    // Assess
    const effective = { groupBy: ['alertname'], groupWait: '10s', groupInterval: '5m', repeatInterval: '1h', sendResolved: true, maxAlerts: 0 };
    for (const answer of [put, got, listed]) {
      expect(answer.grouping).toEqual(effective);
      expect(answer.ownGrouping).toEqual({ repeatInterval: '1h' });
    }
    for (const answer of [tenantPut, tenantListed]) {
      expect(answer.grouping).toEqual({ ...effective, repeatInterval: '12h' });
      expect(answer.ownGrouping).toEqual({});
    }
  });

  it('answers account settings with durations as strings, as receivers do, in PUT and GET alike', async () => {
    const { call } = memoryApi();

    const put = await call('PUT', `${A}/settings`, { routePolicy: 'RouterFirst', grouping: { groupWait: '1m30s', groupInterval: '2m' }, historyRetentionDays: 7 });
    const got = await call('GET', `${A}/settings`);

    for (const answer of [put, got]) {
      expect(answer).toEqual({
        routePolicy: 'RouterFirst',
        defaultRules: true,
        grouping: { groupBy: [], groupWait: '1m30s', groupInterval: '2m', repeatInterval: '4h', sendResolved: true, maxAlerts: 0 },
        ownGrouping: { groupWait: '1m30s', groupInterval: '2m' },
        historyRetentionDays: 7,
        version: 1,
      });
    }
  });

  it('answers settings never written with the defaults they stand for', async () => {
    const { call } = memoryApi();

    expect(await call('GET', `${A}/settings`)).toEqual({
      routePolicy: 'All',
      defaultRules: true,
      grouping: { groupBy: [], groupWait: '30s', groupInterval: '5m', repeatInterval: '4h', sendResolved: true, maxAlerts: 0 },
      ownGrouping: {},
      version: 0,
    });
  });
});
