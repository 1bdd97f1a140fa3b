import { gunzipSync, gzipSync } from 'node:zlib';

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
 * SQS accepts only some Unicode in a message (no U+FFFE/U+FFFF, and stand-ins
 * are stricter still), while alerts carry any text. Queue bodies are JSON, so
 * every non-ASCII character (which can only occur inside a string literal)
 * is written as a \uXXXX escape: the body is pure ASCII and parses back to
 * exactly the same value.
 */
export function sqsSafe(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Bytes a JSON body takes on the queue, escapes included. */
export function queueBytes(json: string): number {
  return Buffer.byteLength(sqsSafe(json));
}

/**
 * Splits items into chunks whose JSON (built by `wrap`) stays within the limit,
 * preserving order. An item too large on its own still gets a chunk of its own,
 * and the caller's send then fails loudly instead of dropping it.
 */
export function chunkBySize<T>(items: readonly T[], wrap: (chunk: T[]) => string, maxBytes = MAX_MESSAGE_BYTES): string[] {
  // Most batches fit one message: serialise them once rather than item by item and again.
  const whole = wrap([...items]);
  if (queueBytes(whole) <= maxBytes) return items.length === 0 ? [] : [whole];
  const bodies: string[] = [];
  let current: T[] = [];
  let currentBytes = queueBytes(wrap([]));
  for (const item of items) {
    const itemBytes = queueBytes(JSON.stringify(item)) + 1;
    if (current.length > 0 && currentBytes + itemBytes > maxBytes) {
      bodies.push(wrap(current));
      current = [];
      currentBytes = queueBytes(wrap([]));
    }
    current.push(item);
    currentBytes += itemBytes;
  }
  if (current.length > 0) bodies.push(wrap(current));
  return bodies;
}

/**
 * Bodies from this size on travel gzip-compressed: SQS bills every 64 KB of a
 * request, and a batch of a hundred similar alerts compresses about tenfold.
 * Small bodies (timers) are not worth the CPU.
 */
const COMPRESS_FROM_BYTES = 2048;
const PACKED_PREFIX = '{"gzip":"';

/** A JSON queue body as sent: compressed into `{"gzip":"<base64>"}` when large and that is smaller. */
export function packBody(json: string): string {
  if (json.length < COMPRESS_FROM_BYTES || json.startsWith(PACKED_PREFIX)) return json;
  // Level 1: a fraction of the default level's CPU, and the size hardly differs on repetitive JSON.
  const packed = `${PACKED_PREFIX}${gzipSync(json, { level: 1 }).toString('base64')}"}`;
  return packed.length < json.length ? packed : json;
}

/** The JSON a queue body carries, whether `packBody` compressed it or not; a body that does not unpack is returned as it is. */
export function unpackBody(body: string): string {
  if (!body.startsWith(PACKED_PREFIX) || !body.endsWith('"}')) return body;
  try {
    return gunzipSync(Buffer.from(body.slice(PACKED_PREFIX.length, -2), 'base64')).toString('utf8');
  } catch {
    return body;
  }
}
