import * as z from 'zod';
import { PermanentMessageError } from './permanent-error.js';
import { MAX_MESSAGE_BYTES, queueBytes } from './queue.js';

/**
 * Bodies too large for one queue message (a notification for a group of
 * thousands of alerts) are kept in a store, and the message carries a
 * reference; the consumer loads the body. Nothing is truncated or dropped to
 * fit a queue's size limit.
 */
export interface SpillStore {
  put(key: string, body: string): Promise<void>;
  get(key: string): Promise<string | undefined>;
}

/** A reference to a spilled body; it names the account so that a dead-letter replay for an account can select it. */
export const spilledMessageSchema = z.object({ type: z.literal('spilled'), key: z.string().min(1), accountId: z.string().optional() });

/** The body to queue: the message itself, or a reference to it once stored. */
export async function spillIfLarge(
  ref: { key: string; accountId: string },
  body: string,
  store: SpillStore,
  maxBytes = MAX_MESSAGE_BYTES,
): Promise<string> {
  if (queueBytes(body) <= maxBytes) return body;
  await store.put(ref.key, body);
  return JSON.stringify({ type: 'spilled', key: ref.key, accountId: ref.accountId } satisfies z.infer<typeof spilledMessageSchema>);
}

/** A spilled body could not be found (expired or never written); permanent. */
export class SpilledBodyMissingError extends PermanentMessageError {
  constructor(readonly key: string) {
    super(`spilled message ${key} is not in the store`);
    this.name = 'SpilledBodyMissingError';
  }
}

/** The original body of a queued message, loading it when it was spilled. */
export async function unspill(body: string, store: SpillStore): Promise<string> {
  if (!body.startsWith('{"type":"spilled"')) return body;
  const parsed = spilledMessageSchema.safeParse(JSON.parse(body));
  if (!parsed.success) return body;
  const stored = await store.get(parsed.data.key);
  if (stored === undefined) throw new SpilledBodyMissingError(parsed.data.key);
  return stored;
}
