import { notificationMessageSchema, parseMessage, type NotificationMessage } from '../pipeline/messages.js';
import type { QueuePublisher } from '../pipeline/queue.js';
import { unspill, type SpillStore } from '../pipeline/spill.js';
import type { HistoryStore, NotificationRecord } from '../history/notification-record.js';
import type { Receiver, ReceiverStore } from '../receivers/receiver.js';
import { receiverLabel, receiverRef, sameIncarnation } from '../receivers/receiver.js';
import type { PreparedDelivery } from './delivery-resources.js';
import { RateLimitedError, type RateLimiter } from '../ingest/rate-limit.js';
import { ChannelError, type Channel, type ChannelContext } from './channel.js';
import type { DeliveryClaims } from './delivery-claims.js';

export interface DeliverDependencies {
  receivers: ReceiverStore;
  /** Settings with credentials and a renderer for a receiver; see prepareDelivery. */
  prepare: (receiver: Receiver) => Promise<PreparedDelivery>;
  history: HistoryStore;
  claims: DeliveryClaims;
  /** How long a claim protects a send in progress; longer than the function's timeout. */
  claimLeaseMs: number;
  /** Keeps sends within providers' rate limits (per receiver); absent: no limit. */
  limiter?: RateLimiter;
  /** The account's history retention, when it sets one. */
  retentionDays?: (accountId: string) => Promise<number | undefined>;
  channels: ReadonlyMap<string, Channel<unknown>>;
  context: ChannelContext;
}

/** Which delivery attempt this is, from the queue's receive count. */
export interface Attempt {
  number: number;
  /** After this many attempts the message is parked on the dead-letter queue. */
  max: number;
  /** Puts this message on the dead-letter queue, from which a replay brings it back. */
  park: () => Promise<void>;
}

/** The send failed in a way worth retrying; the queue will deliver the message again. */
export class RetryableDeliveryError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryableDeliveryError';
  }
}

/** The provider's rate limit is used up: send the notification again after this many seconds (not a failed attempt). */
export interface Deferred {
  deferredSeconds: number;
}

/**
 * Sends one notification and records the outcome. Permanent failures are
 * recorded and not retried; retryable ones are recorded as `retrying` and
 * thrown so the queue redelivers. After the last attempt the message is parked
 * on the dead-letter queue first and only then recorded as `failed` (so
 * history says "parked" only of a parked message), and its claim is released
 * rather than finished, so that a replay can send it.
 */
export async function deliverNotification(
  notification: NotificationMessage,
  attempt: Attempt,
  deps: DeliverDependencies,
): Promise<NotificationRecord | 'duplicate' | Deferred> {
  const claim = await deps.claims.claim(notification.id, deps.claimLeaseMs);
  if (claim === 'done') return 'duplicate';
  if (claim === 'busy') throw new RetryableDeliveryError('another worker is sending this notification', deps.claimLeaseMs);
  let record: NotificationRecord | Deferred;
  try {
    record = await sendAndRecord(notification, attempt, deps);
  } catch (error) {
    // Only a send that did not happen is released; a finished one stays finished (see finish()).
    await deps.claims.release(notification.id);
    throw error;
  }
  if ('deferredSeconds' in record) await deps.claims.release(notification.id);
  return record;
}

/** What delivering a record of the delivery queue needs beyond {@link DeliverDependencies}. */
export type DeliverQueuedDependencies = DeliverDependencies & {
  /** Where notifications too large for a queue message were kept. */
  spill: SpillStore;
  /** Where a notification deferred by a provider's rate limit is queued again. */
  queue: QueuePublisher;
};

/**
 * The deliver stage's use case: one record of the delivery queue. Loads a
 * spilled body, validates the message once, sends it; a notification deferred
 * by the provider's rate limit is queued afresh, since waiting is not a
 * failed attempt.
 */
export async function deliverQueuedNotification(
  body: string,
  attempt: Attempt,
  deps: DeliverQueuedDependencies,
): Promise<{ notification: NotificationMessage; outcome: NotificationRecord | 'duplicate' | Deferred }> {
  const notification = parseMessage(notificationMessageSchema, await unspill(body, deps.spill));
  const outcome = await deliverNotification(notification, attempt, deps);
  if (outcome !== 'duplicate' && 'deferredSeconds' in outcome) await deps.queue.send('delivery', [body], { delaySeconds: outcome.deferredSeconds });
  return { notification, outcome };
}

/** How much of the rendered message history keeps: what a person reads to recognise it (the rest is not rendered). */
const HISTORY_MESSAGE_CHARS = 4096;

/** How many alert fingerprints one history record lists. */
const MAX_RECORDED_FINGERPRINTS = 2000;

async function sendAndRecord(notification: NotificationMessage, attempt: Attempt, deps: DeliverDependencies): Promise<NotificationRecord | Deferred> {
  const started = deps.context.now();
  const base = {
    notificationId: notification.id,
    receiver: notification.receiver,
    groupKey: notification.groupKey,
    attempts: attempt.number,
    alertCount: notification.alerts.length + notification.truncatedAlerts,
    // Bounded so one record stays far below DynamoDB's 400 KB item limit; alertCount keeps the total.
    fingerprints: notification.alerts.slice(0, MAX_RECORDED_FINGERPRINTS).map((alert) => alert.fingerprint),
    alertnames: [...new Set(notification.alerts.map((alert) => alert.labels.alertname ?? ''))].filter(Boolean),
    createdAt: notification.createdAt,
  };
  const finish = async (
    fields: Pick<NotificationRecord, 'channel' | 'status'> & { reason?: string; httpStatus?: number; message?: string },
    parked = false,
  ): Promise<NotificationRecord> => {
    const finished = deps.context.now();
    const record: NotificationRecord = {
      ...base,
      ...fields,
      updatedAt: finished.toISOString(),
      latencyMs: finished.getTime() - started.getTime(),
    };
    const entry = { accountId: notification.receiver.accountId, record, retentionDays: await deps.retentionDays?.(notification.receiver.accountId) };
    // A sent (or permanently failed) notification's claim is done and its history written in one request.
    // A parked one is released instead, so that a replay may claim it (a retrying one is released by the caller).
    if (fields.status === 'retrying' || parked) {
      if (parked) await deps.claims.release(notification.id);
      await deps.history.record(entry.accountId, record, entry.retentionDays);
    } else {
      await deps.claims.finish(notification.id, entry);
    }
    return record;
  };

  const receiver = await deps.receivers.get(notification.receiver);
  if (receiver === undefined) return finish({ channel: 'unknown', status: 'failed', reason: 'receiver no longer exists' });
  if (!sameIncarnation(notification.receiver, receiverRef(receiver))) {
    return finish({ channel: receiver.channel, status: 'failed', reason: 'receiver was deleted and created again since these alerts were routed' });
  }
  if (!receiver.enabled) return finish({ channel: receiver.channel, status: 'failed', reason: 'receiver is disabled' });
  const channel = deps.channels.get(receiver.channel);
  if (channel === undefined) {
    return finish({ channel: receiver.channel, status: 'failed', reason: `unknown channel type ${receiver.channel}` });
  }
  if (channel.rateLimitPerMinute !== undefined && deps.limiter !== undefined) {
    try {
      await deps.limiter.take(`RECEIVER#${receiver.accountId}#${receiverLabel(receiver)}`, deps.context.now(), channel.rateLimitPerMinute);
    } catch (error) {
      if (error instanceof RateLimitedError) return { deferredSeconds: error.retryAfterSeconds };
      throw error;
    }
  }
  const prepared = await deps.prepare(receiver);
  const settings = channel.settingsSchema.safeParse(prepared.settings);
  if (!settings.success) {
    const fields = settings.error.issues.map((issue) => issue.path.join('.')).join(', ');
    return finish({ channel: receiver.channel, status: 'failed', reason: `receiver settings are invalid for its channel (${fields}); is a config missing?` });
  }

  // What the receiver reads, kept for history; rendered from alert data only, so it holds no channel credentials.
  // Only a record: a render failure here must never stop the send.
  let message: string | undefined;
  try {
    message = prepared.renderer.render('text', notification, HISTORY_MESSAGE_CHARS);
  } catch {
    message = undefined;
  }
  try {
    const outcome = await channel.send(settings.data, notification, { ...deps.context, renderer: prepared.renderer });
    const fallback = prepared.templateFallbacks.length === 0 ? {} : { reason: `sent with the default template: ${prepared.templateFallbacks.join('; ')}` };
    return finish({ channel: receiver.channel, status: 'sent', httpStatus: outcome.statusCode, ...(message === undefined ? {} : { message }), ...fallback });
  } catch (error) {
    const failure = error instanceof ChannelError ? error : new ChannelError('unexpected send failure', true, { cause: error });
    const httpStatus = failure.details.statusCode;
    const status = { ...(httpStatus === undefined ? {} : { httpStatus }), ...(message === undefined ? {} : { message }) };
    if (!failure.retryable) {
      return finish({ channel: receiver.channel, status: 'failed', reason: failure.message, ...status });
    }
    if (attempt.number >= attempt.max) {
      await attempt.park();
      return finish(
        {
          channel: receiver.channel,
          status: 'failed',
          reason: `${failure.message} (gave up after ${attempt.number} attempts; parked on the dead-letter queue, replay to try again)`,
          ...status,
        },
        true,
      );
    }
    await finish({ channel: receiver.channel, status: 'retrying', reason: failure.message, ...status });
    throw new RetryableDeliveryError(failure.message, failure.details.retryAfterMs);
  }
}
