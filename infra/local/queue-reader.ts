import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * What Lambda's event source mapping does with a queue: receive (long-poll)
 * and delete. Lambda's pollers run in AWS's fleet; locally they are part of
 * the emulation, so when the stack runs the SQS stand-in itself they read it
 * in-process (no HTTP, no SDK: about 1 ms of CPU less per receive or delete),
 * and through the SQS protocol when the stand-in belongs to someone else (the
 * test run's shared one). The handlers' own SQS calls always use the protocol.
 */
export interface QueueReader {
  /** Up to `max` (≤ 10) messages with every attribute, waiting up to `waitSeconds` for one; `signal` ends the wait early with none. */
  receive(queueUrl: string, max: number, waitSeconds: number, signal?: AbortSignal): Promise<Message[]>;
  /** Deletes up to 10 received messages. */
  delete(queueUrl: string, receiptHandles: readonly string[]): Promise<void>;
}

const ALL_ATTRIBUTES = { MessageSystemAttributeNames: ['All' as const], MessageAttributeNames: ['All'] };

/** Through the SQS protocol. The client should be made with `cacheMiddleware`; a receive with a signal goes through `longPolls`, since per-request options clear that cache. */
export function protocolQueueReader(clients: { longPolls: SQSClient; requests: SQSClient }): QueueReader {
  return {
    async receive(queueUrl, max, waitSeconds, signal) {
      const command = new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: max, WaitTimeSeconds: waitSeconds, ...ALL_ATTRIBUTES });
      const result = signal === undefined ? await clients.requests.send(command) : await clients.longPolls.send(command, { abortSignal: signal });
      return result.Messages ?? [];
    },
    async delete(queueUrl, receiptHandles) {
      await clients.requests.send(
        new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: receiptHandles.map((handle, index) => ({ Id: String(index), ReceiptHandle: handle })) }),
      );
    },
  };
}

/** fauxqs's own ReceiveMessage and DeleteMessageBatch actions, called with the request bodies the protocol would carry. */
export interface FauxqsActions {
  receiveMessage(body: object, store: unknown): Promise<{ Messages?: Message[] }>;
  deleteMessageBatch(body: object, store: unknown): unknown;
}

/**
 * In-process, by fauxqs's own actions on its store: the same validation,
 * visibility timeouts, receive counts and redrive to the dead-letter queue
 * as over HTTP. A wait ended by `signal` answers no messages (its fauxqs
 * waiter lapses at its own timeout, or when the stand-in shuts down).
 */
export function inProcessQueueReader(actions: FauxqsActions, store: unknown): QueueReader {
  return {
    async receive(queueUrl, max, waitSeconds, signal) {
      const body = { QueueUrl: queueUrl, MaxNumberOfMessages: max, WaitTimeSeconds: waitSeconds, ...ALL_ATTRIBUTES };
      if (signal?.aborted) return [];
      const received = actions.receiveMessage(body, store).then((result) => result.Messages ?? []);
      if (signal === undefined) return received;
      let onAbort = () => {};
      const aborted = new Promise<Message[]>((resolve) => {
        onAbort = () => resolve([]);
        signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        const messages = await Promise.race([received, aborted]);
        // Messages received as the wait was ended stay invisible until their visibility timeout, as after a lost answer.
        return signal.aborted ? [] : messages;
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
    async delete(queueUrl, receiptHandles) {
      actions.deleteMessageBatch({ QueueUrl: queueUrl, Entries: receiptHandles.map((handle, index) => ({ Id: String(index), ReceiptHandle: handle })) }, store);
    },
  };
}
