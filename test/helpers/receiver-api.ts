import { randomBytes } from 'node:crypto';
import { putReceiver } from '../../lib/api/receivers-api.js';
import { channelRegistry } from '../../lib/notify/channel-registry.js';
import { LocalKeySealer } from '../../lib/secrets/sealer.js';
import { MemoryReceiverStore } from './memory-stores.js';

/** putReceiver over an in-memory store with a fresh sealer, as the receivers API runs it (no configs: settings are sent as written). */
export function aReceiverApi() {
  const receivers = new MemoryReceiverStore();
  const sealer = new LocalKeySealer(randomBytes(32));
  const put = (name: string, body: unknown, tenantId?: string) =>
    putReceiver({ accountId: 'acme', ...(tenantId === undefined ? {} : { tenantId }) }, name, body, undefined, {
      receivers,
      channels: channelRegistry,
      now: () => new Date('2026-11-25T10:00:00Z'),
      sealer,
      settingsWithConfig: async (draft) => draft.settings,
    });
  return { receivers, sealer, put };
}
