import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

import { REPLAYED_ATTRIBUTE, type ReplayFilter, type ReplayResult } from '../pipeline/dead-letters.js';
import { unpackBody } from '../pipeline/queue.js';

/**
 * The account and receiver a queue message belongs to, read without trusting
 * its schema: every message of every queue names its account (`accountId`, or
 * `receiver.accountId`), so a replay for one account can select it.
 */
export function deadLetterOwner(body: string): { accountId?: string; receiver?: string } {
  try {
    const message = JSON.parse(unpackBody(body)) as { accountId?: string; receiver?: { accountId?: string; tenantId?: string; name?: string } } | null;
    const ref = message?.receiver;
    const accountId = message?.accountId ?? ref?.accountId;
    const receiver = ref?.name === undefined ? undefined : ref.tenantId === undefined ? ref.name : `${ref.tenantId}/${ref.name}`;
    return { ...(accountId === undefined ? {} : { accountId }), ...(receiver === undefined ? {} : { receiver }) };
  } catch {
    return {};
  }
}

function matches(message: Message, filter: ReplayFilter): boolean {
  const about = deadLetterOwner(message.Body ?? '');
  if (filter.accountId !== undefined && about.accountId !== filter.accountId) return false;
  if (filter.receiver !== undefined && about.receiver !== filter.receiver) return false;
  const sent = Number(message.Attributes?.SentTimestamp ?? 0);
  if (filter.since !== undefined && sent < filter.since.getTime()) return false;
  if (filter.until !== undefined && sent > filter.until.getTime()) return false;
  return true;
}

/**
 * Moves dead letters back to the queue they came from, as new messages (so
 * they get a full set of attempts again). Each message is sent to the source
 * queue before it is deleted from the dead-letter queue, so a crash can only
 * duplicate a message (which delivery claims absorb), never lose one.
 * Messages the filter leaves are made visible again at the end.
 */
export async function replayDeadLetters(
  sqs: SQSClient,
  queues: { deadLetterUrl: string; sourceUrl: string },
  filter: ReplayFilter,
  options: { limit?: number; timeBudgetMs?: number } = {},
): Promise<ReplayResult> {
  const limit = options.limit ?? 1000;
  const deadline = Date.now() + (options.timeBudgetMs ?? 20_000);
  const skipped: Message[] = [];
  let replayed = 0;
  while (replayed < limit && Date.now() < deadline) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.deadLetterUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: Math.ceil((options.timeBudgetMs ?? 20_000) / 1000) + 30,
        MessageSystemAttributeNames: ['SentTimestamp'],
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) break;
    const chosen = messages.filter((m) => matches(m, filter)).slice(0, limit - replayed);
    skipped.push(...messages.filter((m) => !chosen.includes(m)));
    if (chosen.length === 0) continue;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.sourceUrl,
        Entries: chosen.map((m, i) => ({
          Id: String(i),
          MessageBody: m.Body ?? '',
          MessageAttributes: { ...m.MessageAttributes, [REPLAYED_ATTRIBUTE]: { DataType: 'String', StringValue: 'true' } },
        })),
      }),
    );
    const ok = new Set((sent.Successful ?? []).map((entry) => Number(entry.Id)));
    const moved = chosen.filter((_, i) => ok.has(i));
    skipped.push(...chosen.filter((_, i) => !ok.has(i)));
    if (moved.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queues.deadLetterUrl,
          Entries: moved.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    replayed += moved.length;
  }
  for (let i = 0; i < skipped.length; i += 10) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queues.deadLetterUrl,
        Entries: skipped.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
      }),
    );
  }
  return { replayed, skipped: skipped.length };
}
