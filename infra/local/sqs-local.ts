import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A running SQS stand-in (fauxqs, speaking the AWS JSON protocol). */
export interface SqsLocal {
  endpoint: string;
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

interface QueueSnapshot {
  name: string;
  messages: StoredMessage[];
}

// fauxqs exports only its app; its stores are reached by file path (the version is pinned in package.json).
async function loadFauxqs() {
  const dist = fileURLToPath(new URL('../../node_modules/fauxqs/dist/', import.meta.url));
  const load = (relative: string) => import(pathToFileURL(join(dist, relative)).href);
  const [{ buildApp }, { SqsStore }, { SnsStore }, { S3Store }] = await Promise.all([
    load('app.js'),
    load('sqs/sqsStore.js'),
    load('sns/snsStore.js'),
    load('s3/s3Store.js'),
  ]);
  return { buildApp, SqsStore, SnsStore, S3Store };
}

/**
 * Starts fauxqs on 127.0.0.1. Two adaptations: queue URLs take the host the
 * client used (fauxqs's default host does not resolve here) and queues are
 * found by name, so a URL from before a restart on another port still works.
 * With `dataDir`, messages (ready, delayed and in flight, the last as ready
 * again, as if their visibility timeout ran out) are written to
 * `sqs-messages.json` every second and on stop, and restored by `restore()`
 * once the queues exist.
 */
export async function startSqsLocal(options: { port: number; dataDir?: string }): Promise<SqsLocal & { restore(): void }> {
  const { buildApp, SqsStore, SnsStore, S3Store } = await loadFauxqs();
  const sqsStore = new SqsStore();
  sqsStore.host = '';
  const byUrl = sqsStore.getQueue.bind(sqsStore);
  sqsStore.getQueue = (url: string) => byUrl(url) ?? sqsStore.getQueueByName(String(url).split('/').pop());
  const app = buildApp({ logger: false, stores: { sqsStore, snsStore: new SnsStore(), s3Store: new S3Store() } });
  await app.listen({ port: options.port, host: '127.0.0.1' });

  const snapshotPath = options.dataDir === undefined ? undefined : join(options.dataDir, 'sqs-messages.json');
  let lastWritten = '';
  const snapshot = () => {
    if (snapshotPath === undefined) return;
    const queues: QueueSnapshot[] = [...sqsStore.queues.values()].map((queue: any) => ({
      name: queue.name,
      messages: [
        ...queue.messages,
        ...queue.delayedMessages,
        ...[...queue.inflightMessages.values()].map((entry: any) => entry.message),
      ],
    }));
    const text = JSON.stringify(queues);
    if (text === lastWritten) return;
    writeFileSync(`${snapshotPath}.tmp`, text);
    renameSync(`${snapshotPath}.tmp`, snapshotPath);
    lastWritten = text;
  };
  // Snapshots start only once restore() has run, so an early snapshot of the still-empty queues cannot overwrite the saved ones.
  let timer: NodeJS.Timeout | undefined;

  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    restore() {
      if (snapshotPath === undefined) return;
      if (existsSync(snapshotPath)) {
        const queues = JSON.parse(readFileSync(snapshotPath, 'utf8')) as QueueSnapshot[];
        for (const saved of queues) {
          const queue = sqsStore.getQueueByName(saved.name);
          if (queue === undefined) continue;
          for (const message of saved.messages) queue.enqueue({ ...message });
        }
      }
      timer = setInterval(snapshot, 1000);
      timer.unref();
    },
    async stop() {
      if (timer !== undefined) {
        clearInterval(timer);
        snapshot();
      }
      await app.close();
    },
  };
}
