/** The queues between stages, by role; adapters map them to real queue URLs. */
export type QueueName = 'signals' | 'alerts' | 'groups' | 'delivery';

/** Sends messages durably: resolves only once every message is accepted by the queue. */
export interface QueuePublisher {
  send(queue: QueueName, bodies: readonly string[], options?: { delaySeconds?: number }): Promise<void>;
}

/**
 * SQS accepts at most 256 KiB per message; stay below it with room for
 * attributes, so one large push becomes several messages instead of a failure.
 */
export const MAX_MESSAGE_BYTES = 240 * 1024;

/**
 * Splits items into chunks whose JSON (built by `wrap`) stays within the limit,
 * preserving order. An item too large on its own still gets a chunk of its own,
 * and the caller's send then fails loudly instead of dropping it.
 */
export function chunkBySize<T>(items: readonly T[], wrap: (chunk: T[]) => string, maxBytes = MAX_MESSAGE_BYTES): string[] {
  const bodies: string[] = [];
  let current: T[] = [];
  let currentBytes = Buffer.byteLength(wrap([]));
  for (const item of items) {
    const itemBytes = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (current.length > 0 && currentBytes + itemBytes > maxBytes) {
      bodies.push(wrap(current));
      current = [];
      currentBytes = Buffer.byteLength(wrap([]));
    }
    current.push(item);
    currentBytes += itemBytes;
  }
  if (current.length > 0) bodies.push(wrap(current));
  return bodies;
}
