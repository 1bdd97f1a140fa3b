import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { packBody, sqsSafe, type QueueName, type QueuePublisher } from '../pipeline/queue.js';

/** Some messages were not accepted by SQS even after retrying them. */
export class QueueSendError extends Error {
  constructor(
    readonly queue: QueueName,
    readonly failed: number,
    detail: string,
  ) {
    super(`${failed} message(s) were not accepted by the ${queue} queue: ${detail}`);
    this.name = 'QueueSendError';
  }
}

const ENTRIES_PER_BATCH = 10;
const BATCH_BYTES = 256 * 1024;
const RETRIES = 3;

/** One `send` call: it settles when each of its messages is accepted or has failed. */
interface SendCall {
  remaining: number;
  failed: number;
  /** Why SQS refused entries, or the error a request threw (kept as is, so callers can tell a dependency failure). */
  refusals: string[];
  thrown?: unknown;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface PendingEntry {
  body: string;
  delaySeconds?: number;
  call: SendCall;
}

/**
 * Publishes through SendMessageBatch, retrying the entries SQS reports as
 * failed; a `send` resolves only once all its messages are accepted, so callers
 * never report success for a message that is not on the queue. Large bodies
 * are compressed (`packBody`). Sends made within `lingerMs` of each other share
 * batch requests, each entry keeping its own delay: an aggregation batch's
 * flush timers and notifications go out ten to a request instead of one each.
 */
export class SqsQueuePublisher implements QueuePublisher {
  private readonly pending = new Map<QueueName, PendingEntry[]>();
  private readonly scheduled = new Set<QueueName>();

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrls: Record<QueueName, string>,
    private readonly lingerMs = 0,
  ) {}

  send(queue: QueueName, bodies: readonly string[], options: { delaySeconds?: number } = {}): Promise<void> {
    if (bodies.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const call: SendCall = { remaining: bodies.length, failed: 0, refusals: [], resolve, reject };
      const entries = this.pending.get(queue) ?? [];
      this.pending.set(queue, entries);
      for (const body of bodies) entries.push({ body: sqsSafe(packBody(body)), delaySeconds: options.delaySeconds, call });
      // Full batches go at once; what is left waits for company until the linger ends.
      if (entries.length >= ENTRIES_PER_BATCH) this.flush(queue, false);
      if ((this.pending.get(queue) ?? []).length > 0) this.schedule(queue);
    });
  }

  private schedule(queue: QueueName): void {
    if (this.scheduled.has(queue)) return;
    this.scheduled.add(queue);
    const later = () => {
      this.scheduled.delete(queue);
      this.flush(queue, true);
    };
    if (this.lingerMs > 0) setTimeout(later, this.lingerMs);
    else setImmediate(later);
  }

  /** Sends the full batches pending for a queue, and the last partial one too when `all`. */
  private flush(queue: QueueName, all: boolean): void {
    const ready = batches(this.pending.get(queue) ?? []);
    const last = ready.at(-1);
    const keep = !all && last !== undefined && last.length < ENTRIES_PER_BATCH ? ready.pop()! : [];
    this.pending.set(queue, keep);
    for (const batch of ready) void this.sendBatch(queue, batch);
  }

  private async sendBatch(queue: QueueName, batch: PendingEntry[]): Promise<void> {
    let pending = batch.map((entry, index) => ({ entry, request: { Id: String(index), MessageBody: entry.body, DelaySeconds: entry.delaySeconds } }));
    try {
      for (let attempt = 0; attempt <= RETRIES && pending.length > 0; attempt++) {
        const result = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrls[queue], Entries: pending.map((p) => p.request) }));
        const failed = new Map((result.Failed ?? []).map((entry) => [entry.Id, `${entry.Code}: ${entry.Message}`]));
        for (const { entry } of pending.filter((p) => !failed.has(p.request.Id))) settle(queue, entry.call);
        const retry = !(result.Failed ?? []).some((entry) => entry.SenderFault);
        const refused = pending.filter((p) => failed.has(p.request.Id));
        // Sender faults (too large, invalid) will fail again; only retry what SQS says was its fault.
        if (!retry || attempt === RETRIES) {
          for (const { entry, request } of refused) settle(queue, entry.call, { refusal: failed.get(request.Id)! });
          return;
        }
        pending = refused;
      }
    } catch (error) {
      for (const { entry } of pending) settle(queue, entry.call, { thrown: error });
    }
  }
}

/** Counts one message of a call as done; the call settles with its last message, rejected if any failed. */
function settle(queue: QueueName, call: SendCall, failure?: { refusal?: string; thrown?: unknown }): void {
  if (failure !== undefined) {
    call.failed++;
    if (failure.refusal !== undefined) call.refusals.push(failure.refusal);
    call.thrown ??= failure.thrown;
  }
  call.remaining--;
  if (call.remaining > 0) return;
  if (call.failed === 0) call.resolve();
  else call.reject(call.thrown ?? new QueueSendError(queue, call.failed, [...new Set(call.refusals)].join('; ')));
}

/** SendMessageBatch takes up to 10 entries and 256 KiB in all. */
function batches(entries: readonly PendingEntry[]): PendingEntry[][] {
  const result: PendingEntry[][] = [];
  let current: PendingEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry.body);
    if (current.length === ENTRIES_PER_BATCH || (current.length > 0 && bytes + size > BATCH_BYTES)) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) result.push(current);
  return result;
}
