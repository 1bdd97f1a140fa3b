import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inProcessQueueReader, type FauxqsActions, type QueueReader } from './queue-reader.js';

/** A running SQS stand-in (fauxqs, speaking the AWS JSON protocol). */
export interface SqsLocal {
  endpoint: string;
  /** The local event source mapping's way in, when the stand-in runs in this process (see queue-reader.ts). */
  reader?: QueueReader;
  stop(): Promise<void>;
}

interface StoredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  messageAttributes: Record<string, unknown>;
  md5OfMessageAttributes: string;
  sentTimestamp: number;
  approximateReceiveCount: number;
  approximateFirstReceiveTimestamp?: number;
  delayUntil?: number;
}

/** The parts of a fauxqs queue the journal hooks into (its types are not exported). */
interface FauxqsQueue {
  readonly name: string;
  messages: StoredMessage[];
  delayedMessages: StoredMessage[];
  inflightMessages: Map<string, { message: StoredMessage }>;
  enqueue(message: StoredMessage): void;
  deleteMessage(receiptHandle: string): boolean;
  dequeue(...args: unknown[]): Array<{ MessageId: string }>;
}

/** The parts of fauxqs's SqsStore the journal uses; `queues` is private in its types but the way to walk them. */
interface FauxqsStore {
  readonly queues: Map<string, FauxqsQueue>;
  createQueue(...args: unknown[]): FauxqsQueue;
  getQueueByName(name: string): FauxqsQueue | undefined;
}

interface QueueSnapshot {
  name: string;
  messages: StoredMessage[];
}

// fauxqs exports only its app; its stores are reached by file path (the version is pinned in package.json).
async function loadFauxqs() {
  const dist = fileURLToPath(new URL('../../node_modules/fauxqs/dist/', import.meta.url));
  const load = (relative: string) => import(pathToFileURL(join(dist, relative)).href);
  const [{ buildApp }, { SqsStore }, { SnsStore }, { S3Store }, { receiveMessage }, { deleteMessageBatch }] = await Promise.all([
    load('app.js'),
    load('sqs/sqsStore.js'),
    load('sns/snsStore.js'),
    load('s3/s3Store.js'),
    load('sqs/actions/receiveMessage.js'),
    load('sqs/actions/deleteMessageBatch.js'),
  ]);
  const actions: FauxqsActions = { receiveMessage, deleteMessageBatch };
  return { buildApp, SqsStore, SnsStore, S3Store, actions };
}

/**
 * Starts fauxqs on 127.0.0.1. Two adaptations: queue URLs take the host the
 * client used (fauxqs's default host does not resolve here) and queues are
 * found by name, so a URL from before a restart on another port still works.
 *
 * With `dataDir`, messages survive a stop and a crash: every message a queue
 * accepts and every deletion is appended to a journal before fauxqs answers,
 * so a message the sender was told is queued is on disk (in the OS's cache,
 * which a killed process does not lose). Every few seconds and on stop the
 * queues are written whole to `sqs-messages.json` and the journal restarts.
 * `restore()`, once the queues exist, loads the snapshot and replays the
 * journal; messages that were in flight come back visible, as after their
 * visibility timeout.
 */
export async function startSqsLocal(options: { port: number; dataDir?: string }): Promise<SqsLocal & { restore(): void }> {
  const { buildApp, SqsStore, SnsStore, S3Store, actions } = await loadFauxqs();
  const sqsStore = new SqsStore();
  sqsStore.host = '';
  const byUrl = sqsStore.getQueue.bind(sqsStore);
  sqsStore.getQueue = (url: string) => byUrl(url) ?? sqsStore.getQueueByName(String(url).split('/').pop());
  const persistence = options.dataDir === undefined ? undefined : new QueuePersistence(options.dataDir, sqsStore);
  const app = buildApp({ logger: false, stores: { sqsStore, snsStore: new SnsStore(), s3Store: new S3Store() } });
  await app.listen({ port: options.port, host: '127.0.0.1' });

  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    reader: inProcessQueueReader(actions, sqsStore),
    restore: () => persistence?.restore(),
    async stop() {
      // Stop answering first, so nothing is accepted after the last snapshot.
      await app.close();
      persistence?.close();
    },
  };
}

const SNAPSHOT_FILE = 'sqs-messages.json';
const JOURNAL_PREFIX = 'sqs-journal.';
/** How often the journal is folded into a whole snapshot (only when something changed). */
const COMPACT_EVERY_MS = 5000;

type JournalEntry = { q: string; send: StoredMessage } | { q: string; delete: string } | { q: string; received: string[] };

/**
 * The snapshot names the journal generation that continues it; journals of
 * that generation or later are replayed on top of it, so a crash at any
 * point of a compaction loses nothing (a replayed entry that the snapshot
 * already holds changes nothing).
 */
class QueuePersistence {
  private generation = 0;
  private journal: number | undefined;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly store: FauxqsStore,
  ) {
    const createQueue = store.createQueue.bind(store);
    store.createQueue = (...args: unknown[]) => this.watch(createQueue(...args));
  }

  /** Journals what a queue accepts and deletes, before fauxqs answers the request. */
  private watch(queue: FauxqsQueue): FauxqsQueue {
    const enqueue = queue.enqueue.bind(queue);
    const deleteMessage = queue.deleteMessage.bind(queue);
    queue.enqueue = (message: StoredMessage) => {
      this.append({ q: queue.name, send: message });
      return enqueue(message);
    };
    queue.deleteMessage = (receiptHandle: string) => {
      const entry = queue.inflightMessages.get(receiptHandle);
      if (entry !== undefined) this.append({ q: queue.name, delete: entry.message.messageId });
      return deleteMessage(receiptHandle);
    };
    // Receives too: a message received before a crash comes back with its receive count, as SQS keeps it (the
    // pipeline tells a redelivered message by its count: a flush timer that was being handled re-sends its outbox).
    const dequeue = queue.dequeue.bind(queue);
    queue.dequeue = (...args: unknown[]) => {
      const received = dequeue(...args);
      if (received.length > 0) this.append({ q: queue.name, received: received.map((message) => message.MessageId) });
      return received;
    };
    return queue;
  }

  private append(entry: JournalEntry): void {
    if (this.journal === undefined) return;
    writeSync(this.journal, JSON.stringify(entry) + '\n');
    this.dirty = true;
  }

  restore(): void {
    const byQueue = new Map<string, Map<string, StoredMessage>>();
    const snapshotPath = join(this.dir, SNAPSHOT_FILE);
    if (existsSync(snapshotPath)) {
      const saved = JSON.parse(readFileSync(snapshotPath, 'utf8')) as QueueSnapshot[] | { journal: number; queues: QueueSnapshot[] };
      // Snapshots written before the journal existed are a bare array.
      const queues = Array.isArray(saved) ? saved : saved.queues;
      this.generation = Array.isArray(saved) ? 0 : saved.journal;
      for (const queue of queues) byQueue.set(queue.name, new Map(queue.messages.map((m) => [m.messageId, m])));
    }
    for (const generation of this.journalGenerations().filter((g) => g >= this.generation)) {
      for (const line of readFileSync(this.journalPath(generation), 'utf8').split('\n')) {
        let entry: JournalEntry;
        try {
          entry = JSON.parse(line) as JournalEntry;
        } catch {
          continue; // an empty last line, or one cut short by a crash mid-write (its sender got no answer)
        }
        if ('send' in entry) {
          // A message moved to a dead-letter queue is sent there; it leaves the queue it came from.
          for (const messages of byQueue.values()) messages.delete(entry.send.messageId);
          if (!byQueue.has(entry.q)) byQueue.set(entry.q, new Map());
          byQueue.get(entry.q)!.set(entry.send.messageId, entry.send);
        } else if ('received' in entry) {
          for (const id of entry.received) {
            const message = byQueue.get(entry.q)?.get(id);
            if (message === undefined) continue;
            message.approximateReceiveCount += 1;
            message.approximateFirstReceiveTimestamp ??= Date.now();
          }
        } else {
          byQueue.get(entry.q)?.delete(entry.delete);
        }
      }
    }
    for (const [name, messages] of byQueue) {
      const queue = this.store.getQueueByName(name);
      if (queue === undefined) continue;
      for (const message of messages.values()) queue.enqueue({ ...message });
    }
    this.compact();
    this.timer = setInterval(() => this.dirty && this.compact(), COMPACT_EVERY_MS);
    this.timer.unref();
  }

  /** A whole snapshot, then a fresh journal; everything here is synchronous, so no message slips between. */
  private compact(): void {
    const next = this.generation + 1;
    const journal = openSync(this.journalPath(next), 'w');
    const queues: QueueSnapshot[] = [...this.store.queues.values()].map((queue) => ({
      name: queue.name,
      messages: [
        ...queue.messages,
        ...queue.delayedMessages,
        ...[...queue.inflightMessages.values()].map((entry) => entry.message),
      ],
    }));
    const snapshotPath = join(this.dir, SNAPSHOT_FILE);
    writeFileSync(`${snapshotPath}.tmp`, JSON.stringify({ journal: next, queues }));
    renameSync(`${snapshotPath}.tmp`, snapshotPath);
    if (this.journal !== undefined) closeSync(this.journal);
    this.journal = journal;
    this.generation = next;
    this.dirty = false;
    for (const old of this.journalGenerations().filter((g) => g < next)) rmSync(this.journalPath(old), { force: true });
  }

  /** The last snapshot, taken once nothing can reach the queues any more. */
  close(): void {
    if (this.journal === undefined) return;
    clearInterval(this.timer);
    this.compact();
    closeSync(this.journal);
    this.journal = undefined;
  }

  private journalPath(generation: number): string {
    return join(this.dir, `${JOURNAL_PREFIX}${generation}.ndjson`);
  }

  private journalGenerations(): number[] {
    return readdirSync(this.dir)
      .map((name) => (name.startsWith(JOURNAL_PREFIX) ? Number(name.slice(JOURNAL_PREFIX.length).split('.')[0]) : NaN))
      .filter((generation) => Number.isInteger(generation))
      .sort((a, b) => a - b);
  }
}
