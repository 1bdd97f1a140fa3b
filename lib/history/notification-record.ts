import type { ReceiverRef } from '../pipeline/messages.js';

/** Where a notification stands. */
export type DeliveryStatus = 'sent' | 'failed' | 'retrying';

/** One notification as history keeps it; never holds secrets. */
export interface NotificationRecord {
  notificationId: string;
  receiver: ReceiverRef;
  channel: string;
  groupKey: string;
  status: DeliveryStatus;
  /** Why it failed or is being retried; absent when sent. */
  reason?: string;
  /** The provider's HTTP status, when it answered. */
  httpStatus?: number;
  attempts: number;
  alertCount: number;
  fingerprints: string[];
  alertnames: string[];
  /** When the notification was created by the aggregation stage. */
  createdAt: string;
  /** When this attempt finished. */
  updatedAt: string;
  latencyMs: number;
  /** The message as rendered for the receiver (text form, cut at 4 KiB); channel credentials never appear in it. */
  message?: string;
}

export interface HistoryPage {
  items: NotificationRecord[];
  /** Opaque; pass it back to get the next (older) page. */
  cursor?: string;
}

export interface HistoryQuery {
  limit: number;
  cursor?: string;
  /** Only notifications to this tenant's receivers. */
  tenantId?: string;
  /** Only notifications to this receiver (`name`, or `tenant/name`). */
  receiver?: string;
  /** RFC 3339 bounds on the notification's creation time. */
  from?: string;
  to?: string;
  status?: DeliveryStatus;
  channel?: string;
  alertname?: string;
  /** Only notifications that carried this alert. */
  fingerprint?: string;
  /** Oldest first instead of newest first, for searches that start from an event and look forward. */
  oldestFirst?: boolean;
}

export interface HistoryStore {
  /** Writes or overwrites the record of one notification (every attempt updates the same record), kept for `retentionDays` (or the store's default). */
  record(accountId: string, record: NotificationRecord, retentionDays?: number): Promise<void>;
  /** Newest first, unless `oldestFirst`. */
  list(accountId: string, options: HistoryQuery): Promise<HistoryPage>;
}
