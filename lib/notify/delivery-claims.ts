import type { NotificationRecord } from '../history/notification-record.js';

/** What a claim found. */
export type ClaimOutcome =
  /** This worker may send; nobody else will until the lease runs out or it releases. */
  | 'claimed'
  /** The notification was already sent (or failed for good): do not send again. */
  | 'done'
  /** Another worker holds a live lease: try again later. */
  | 'busy';

/** A notification's history record, as the history store takes it. */
export interface HistoryEntry {
  accountId: string;
  record: NotificationRecord;
  retentionDays?: number;
}

/**
 * Per-notification claims that make a notification go out at most once per
 * successful send: a duplicate SQS delivery, a redelivered timer that
 * re-dispatches a flush, or a retry after a send that succeeded all find the
 * claim `done` and send nothing. The one gap left is a worker that dies after
 * the provider accepted the message and before `finish` is recorded: after
 * the lease expires the message is sent again (at-least-once at that point,
 * since no provider call can join a DynamoDB transaction).
 */
export interface DeliveryClaims {
  claim(notificationId: string, leaseMs: number): Promise<ClaimOutcome>;
  /**
   * The send succeeded, or failed permanently: nothing more to do for this
   * id. The notification's history record is written with it, in one request
   * (a retry after a lost answer finds the claim done and sends nothing).
   */
  finish(notificationId: string, history: HistoryEntry): Promise<void>;
  /** The send failed in a retryable way: let the next attempt claim it at once. */
  release(notificationId: string): Promise<void>;
}
