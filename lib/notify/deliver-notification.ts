import type { NotificationMessage } from '../pipeline/messages.js';
import type { HistoryStore, NotificationRecord } from '../history/notification-record.js';
import type { Receiver, ReceiverStore } from '../receivers/receiver.js';
import { receiverLabel } from '../receivers/receiver.js';
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
  channels: ReadonlyMap<string, Channel<any>>;
  context: ChannelContext;
}

/** Which delivery attempt this is, from the queue's receive count. */
export interface Attempt {
  number: number;
  /** After this many attempts the queue parks the message on its dead-letter queue. */
  max: number;
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

/**
 * Sends one notification and records the outcome. Permanent failures are
 * recorded and not retried; retryable ones are recorded as `retrying` and
 * thrown so the queue redelivers; on the last attempt the record says `failed`
 * and the message goes on to the dead-letter queue, from which it can be replayed.
 */
/** The provider's rate limit is used up: send the notification again after this many seconds (not a failed attempt). */
export interface Deferred {
  deferredSeconds: number;
}

export async function deliverNotification(
  notification: NotificationMessage,
  attempt: Attempt,
  deps: DeliverDependencies,
): Promise<NotificationRecord | 'duplicate' | Deferred> {
  const claim = await deps.claims.claim(notification.id, deps.claimLeaseMs);
  if (claim === 'done') return 'duplicate';
  if (claim === 'busy') throw new RetryableDeliveryError('another worker is sending this notification', deps.claimLeaseMs);
  try {
    const record = await sendAndRecord(notification, attempt, deps);
    if ('deferredSeconds' in record) await deps.claims.release(notification.id);
    else await deps.claims.finish(notification.id);
    return record;
  } catch (error) {
    await deps.claims.release(notification.id);
    throw error;
  }
}

async function sendAndRecord(notification: NotificationMessage, attempt: Attempt, deps: DeliverDependencies): Promise<NotificationRecord | Deferred> {
  const started = deps.context.now();
  const base = {
    notificationId: notification.id,
    receiver: notification.receiver,
    groupKey: notification.groupKey,
    attempts: attempt.number,
    alertCount: notification.alerts.length + notification.truncatedAlerts,
    fingerprints: notification.alerts.map((alert) => alert.fingerprint),
    alertnames: [...new Set(notification.alerts.map((alert) => alert.labels.alertname ?? ''))].filter(Boolean),
    createdAt: notification.createdAt,
  };
  const finish = async (
    fields: Pick<NotificationRecord, 'channel' | 'status'> & { reason?: string; httpStatus?: number; message?: string },
  ): Promise<NotificationRecord> => {
    const finished = deps.context.now();
    const record: NotificationRecord = {
      ...base,
      ...fields,
      updatedAt: finished.toISOString(),
      latencyMs: finished.getTime() - started.getTime(),
    };
    const retentionDays = await deps.retentionDays?.(notification.receiver.accountId);
    await deps.history.record(notification.receiver.accountId, record, retentionDays);
    return record;
  };

  const receiver = await deps.receivers.get(notification.receiver);
  if (receiver === undefined) return finish({ channel: 'unknown', status: 'failed', reason: 'receiver no longer exists' });
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
    message = prepared.renderer.render('text', notification).slice(0, 4096);
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
      await finish({
        channel: receiver.channel,
        status: 'failed',
        reason: `${failure.message} (gave up after ${attempt.number} attempts; parked on the dead-letter queue)`,
        ...status,
      });
    } else {
      await finish({ channel: receiver.channel, status: 'retrying', reason: failure.message, ...status });
    }
    throw new RetryableDeliveryError(failure.message, failure.details.retryAfterMs);
  }
}
