/**
 * Counting what the pipeline asks of AWS: a middleware on SDK clients tallies
 * every command (with DynamoDB's consumed capacity and SQS's billable 64 KB
 * chunks), and a wrap of the local SQS pollers times each handler invocation.
 */
import { performance } from 'node:perf_hooks';
import type { SQSEvent } from 'aws-lambda';
import { SqsPoller, type SqsHandler } from '../infra/local/sqs-poller.js';
import type { QueueReader } from '../infra/local/queue-reader.js';

/** Who sent a request: tidings' handlers, or the event source mapping (Lambda's poller, locally SqsPoller). */
export type RequestSource = 'handler' | 'event-source';

export interface CommandTally {
  requests: number;
  errors: number;
  /** SQS: requests as billed (every 64 KB of payload is one request). */
  billedRequests: number;
  /** SQS: messages sent, received or deleted. */
  messages: number;
  /** SQS: receives that returned nothing (idle polling). */
  emptyReceives: number;
  /** DynamoDB: request units as AWS on-demand bills them. */
  readUnits: number;
  writeUnits: number;
}

type Args = { input: Record<string, unknown> };
type Result = { output: Record<string, unknown> };
type Stack = {
  add(
    middleware: (next: (args: Args) => Promise<Result>, context: { commandName?: string }) => (args: Args) => Promise<Result>,
    options: { step: 'initialize'; name: string },
  ): void;
};

const DYNAMO_READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);
const DYNAMO_WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
const SQS_CHUNK = 64 * 1024;

const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value) : 0);

/** Message bytes SQS bills: body plus attribute names and values. */
function messageBytes(message: Record<string, unknown>): number {
  let total = bytes(message.MessageBody ?? message.Body);
  const attributes = (message.MessageAttributes ?? {}) as Record<string, { StringValue?: string; DataType?: string }>;
  for (const [name, value] of Object.entries(attributes)) total += bytes(name) + bytes(value.StringValue) + bytes(value.DataType);
  return total;
}

/** Sums ConsumedCapacity.CapacityUnits (an object or a list, as batch and transaction calls return). */
function capacityUnits(consumed: unknown): number {
  const list = Array.isArray(consumed) ? consumed : consumed === undefined ? [] : [consumed];
  return list.reduce((sum: number, entry: { CapacityUnits?: number }) => sum + (entry.CapacityUnits ?? 0), 0);
}

export class AwsRequestCounter {
  /** Keyed `<service>:<source>:<command>`, with ` <table>` after DynamoDB commands. */
  readonly tallies = new Map<string, CommandTally>();
  private readonly instrumented = new WeakSet<object>();

  reset(): void {
    this.tallies.clear();
  }

  private tally(key: string): CommandTally {
    let tally = this.tallies.get(key);
    if (tally === undefined) {
      tally = { requests: 0, errors: 0, billedRequests: 0, messages: 0, emptyReceives: 0, readUnits: 0, writeUnits: 0 };
      this.tallies.set(key, tally);
    }
    return tally;
  }

  /**
   * Asks DynamoDB for ReturnConsumedCapacity TOTAL (table plus indexes) on
   * every data call and adds up what DynamoDB Local reports. Two AWS rules
   * DynamoDB Local does not apply are added here: a read request costs at
   * least 0.5 RRU (1 if strongly consistent) even when it finds nothing, and
   * a write whose condition fails still costs at least 1 WRU.
   */
  instrumentDynamo(client: { middlewareStack: unknown }, source: RequestSource): void {
    if (this.instrumented.has(client)) return;
    this.instrumented.add(client);
    (client.middlewareStack as Stack).add(
      (next, context) => async (args) => {
        const command = context.commandName ?? 'unknown';
        // Which table, so a figure can say where the units go (`tidings-<stage>-state` -> `state`).
        const tables = typeof args.input.TableName === 'string' ? [args.input.TableName] : Object.keys((args.input.RequestItems ?? {}) as object);
        const table = tables.map((name) => name.replace(/^.*-/, '')).join('+') || 'multi';
        const tally = this.tally(`dynamodb:${source}:${command} ${table}`);
        const isRead = DYNAMO_READS.has(command);
        const isWrite = DYNAMO_WRITES.has(command);
        if (isRead || isWrite) args.input.ReturnConsumedCapacity = 'TOTAL';
        tally.requests++;
        try {
          const result = await next(args);
          const units = capacityUnits(result.output.ConsumedCapacity);
          if (isRead) tally.readUnits += Math.max(units, args.input.ConsistentRead === true ? 1 : 0.5);
          if (isWrite) tally.writeUnits += Math.max(units, 1);
          return result;
        } catch (error) {
          tally.errors++;
          if (isWrite) tally.writeUnits += 1;
          throw error;
        }
      },
      { step: 'initialize', name: 'benchRequestCounter' },
    );
  }

  /** Counts SQS requests, their messages and their billable 64 KB chunks. */
  instrumentSqs(client: { middlewareStack: unknown }, source: RequestSource): void {
    if (this.instrumented.has(client)) return;
    this.instrumented.add(client);
    (client.middlewareStack as Stack).add(
      (next, context) => async (args) => {
        try {
          const result = await next(args);
          this.countSqs(source, context.commandName ?? 'unknown', args.input, result.output);
          return result;
        } catch (error) {
          this.countSqs(source, context.commandName ?? 'unknown', args.input, undefined);
          throw error;
        }
      },
      { step: 'initialize', name: 'benchRequestCounter' },
    );
  }

  /** The same count for a queue reader that reads the stand-in in-process (the local event source mapping's). */
  countingReader(reader: QueueReader, source: RequestSource): QueueReader {
    return {
      receive: async (queueUrl, max, waitSeconds, signal) => {
        const messages = await reader.receive(queueUrl, max, waitSeconds, signal);
        this.countSqs(source, 'ReceiveMessageCommand', {}, { Messages: messages });
        return messages;
      },
      delete: async (queueUrl, receiptHandles) => {
        await reader.delete(queueUrl, receiptHandles);
        this.countSqs(source, 'DeleteMessageBatchCommand', { Entries: receiptHandles.map((handle) => ({ ReceiptHandle: handle })) }, {});
      },
    };
  }

  /** One SQS request: `output` undefined when it failed. */
  private countSqs(source: RequestSource, command: string, input: Record<string, unknown>, output: Record<string, unknown> | undefined): void {
    const tally = this.tally(`sqs:${source}:${command}`);
    tally.requests++;
    if (output === undefined) {
      tally.errors++;
      tally.billedRequests++;
      return;
    }
    let payload = 0;
    let messages = 0;
    if (command === 'SendMessageCommand') {
      payload = messageBytes(input);
      messages = 1;
    } else if (command === 'ReceiveMessageCommand') {
      const received = (output.Messages ?? []) as Array<Record<string, unknown>>;
      payload = received.reduce((sum, message) => sum + messageBytes(message), 0);
      messages = received.length;
      if (messages === 0) tally.emptyReceives++;
    } else if (Array.isArray(input.Entries)) {
      const entries = input.Entries as Array<Record<string, unknown>>;
      payload = entries.reduce((sum, entry) => sum + messageBytes(entry), 0);
      messages = entries.length;
    } else {
      messages = 1;
    }
    tally.messages += messages;
    tally.billedRequests += Math.max(1, Math.ceil(payload / SQS_CHUNK));
  }
}

export interface InvocationTiming {
  functionName: string;
  records: number;
  durationMs: number;
  /** performance.now() when the handler was called. */
  startedAt: number;
}

/**
 * Wraps the local event source mapping before the stack starts: each
 * poller's queue reader gets the counter (source `event-source`), and each
 * handler invocation is timed (wall clock, handler only, as Lambda bills it).
 *
 * stack.ts does not hand out its pollers, and `onInvocation` reports no
 * duration, so this reaches into SqsPoller's private `receive`/`invoke`,
 * `queue` and `options`; it fails loudly if their shape changes. A `durationMs` in
 * onInvocation's outcome would make this unnecessary.
 */
export function instrumentPollers(
  counter: AwsRequestCounter,
  hooks: { started(functionName: string): void; finished(timing: InvocationTiming): void },
): void {
  type PollerInternals = {
    queue: QueueReader;
    options: { functionName: string; handler: SqsHandler };
    receive: (...args: unknown[]) => Promise<unknown>;
    invoke: (...args: unknown[]) => Promise<unknown>;
  };
  const proto = SqsPoller.prototype as unknown as PollerInternals;
  if (typeof proto.receive !== 'function' || typeof proto.invoke !== 'function') {
    throw new Error('SqsPoller no longer has receive()/invoke(); update bench/instrument.ts');
  }
  const { receive, invoke } = proto;
  const timed = new WeakSet<object>();
  const counted = new WeakSet<object>();
  proto.receive = function (this: PollerInternals, ...args: unknown[]) {
    if (!counted.has(this)) {
      counted.add(this);
      this.queue = counter.countingReader(this.queue, 'event-source');
    }
    return receive.apply(this, args);
  };
  proto.invoke = function (this: PollerInternals, ...args: unknown[]) {
    const options = this.options;
    if (!timed.has(options)) {
      timed.add(options);
      const handler = options.handler;
      options.handler = async (event: SQSEvent, context) => {
        hooks.started(options.functionName);
        const started = performance.now();
        try {
          return await handler(event, context);
        } finally {
          hooks.finished({ functionName: options.functionName, records: event.Records.length, durationMs: performance.now() - started, startedAt: started });
        }
      };
    }
    return invoke.apply(this, args);
  };
}
