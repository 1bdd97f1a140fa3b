import type { Channel } from './channel.js';
import { webhookChannel } from './channels/webhook.js';

/** Every channel tidings can deliver to, by receiver `channel` type. Adding a channel is one line here. */
export const channelRegistry: ReadonlyMap<string, Channel<any>> = new Map<string, Channel<any>>(
  [webhookChannel].map((channel) => [channel.type, channel]),
);
