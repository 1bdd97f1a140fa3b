import * as z from 'zod';
import { PermanentMessageError } from './permanent-error.js';
import { unpackBody } from './queue.js';
import { alertSchema, labelSetSchema, notifiedAlertSchema } from '../alert/alert-schema.js';

/**
 * The messages that travel between stages. Each queue carries exactly one of
 * these; producers build them with the types, consumers validate them with the
 * schemas before trusting them.
 */

/** ingest -> route: alerts from one authenticated cluster. */
export const alertBatchMessageSchema = z.object({
  type: z.literal('alert-batch'),
  accountId: z.string().min(1),
  clusterId: z.string().min(1),
  receivedAt: z.string(),
  alerts: z.array(alertSchema).min(1),
});
export type AlertBatchMessage = z.infer<typeof alertBatchMessageSchema>;

/** Identifies a receiver across the account: global ones have no tenant. */
export const receiverRefSchema = z.object({
  accountId: z.string().min(1),
  tenantId: z.string().min(1).optional(),
  name: z.string().min(1),
  /** Which life of the receiver (see Receiver.incarnation): a re-created receiver of the same name never gets the old one's alerts. */
  incarnation: z.string().min(1).optional(),
});
export type ReceiverRef = z.infer<typeof receiverRefSchema>;

/** A receiver's grouping and timing, resolved by the route stage and carried to aggregation (durations in ms). */
export const groupingOptionsSchema = z.object({
  groupBy: z.array(z.string()).readonly(),
  groupWaitMs: z.number().int().nonnegative(),
  groupIntervalMs: z.number().int().positive(),
  repeatIntervalMs: z.number().int().positive(),
  sendResolved: z.boolean(),
  maxAlerts: z.number().int().nonnegative(),
  externalURL: z.string(),
});

/** route -> aggregate: the alerts one receiver should get. */
export const routedAlertsMessageSchema = z.object({
  type: z.literal('routed-alerts'),
  receiver: receiverRefSchema,
  grouping: groupingOptionsSchema,
  /** When ingest accepted the alerts: orders updates of an alert and is the clock for timeouts (absent from older messages). */
  receivedAt: z.string().optional(),
  alerts: z.array(alertSchema).min(1),
});
export type RoutedAlertsMessage = z.infer<typeof routedAlertsMessageSchema>;

/** aggregate -> aggregate (delayed): the moment a group's flush is due. */
export const groupTimerMessageSchema = z.object({
  type: z.literal('group-timer'),
  groupId: z.string().min(1),
  /** The group's account, for selecting dead letters to replay (absent from timers queued before it was added). */
  accountId: z.string().optional(),
  /** The group's `nextFlushAt` this timer was sent for (epoch ms); a stale timer is dropped. */
  scheduledFor: z.number().int(),
});
export type GroupTimerMessage = z.infer<typeof groupTimerMessageSchema>;

/** Everything the groups queue carries. */
export const groupsQueueMessageSchema = z.discriminatedUnion('type', [routedAlertsMessageSchema, groupTimerMessageSchema]);
export type GroupsQueueMessage = z.infer<typeof groupsQueueMessageSchema>;

/**
 * What a flush decides one receiver is told: Alertmanager's webhook payload
 * (version "4") without what delivery adds (the version, the receiver's name
 * and the external URL). Built once by the flush and carried as is to the
 * channels and templates.
 */
export const notificationPayloadSchema = z.object({
  groupKey: z.string(),
  status: z.enum(['firing', 'resolved']),
  groupLabels: labelSetSchema,
  commonLabels: labelSetSchema,
  commonAnnotations: labelSetSchema,
  truncatedAlerts: z.number().int().nonnegative(),
  /** Firing alerts first (with Alertmanager's zero time as their end), then resolved ones. */
  alerts: z.array(notifiedAlertSchema).min(1),
});
export type NotificationPayload = z.infer<typeof notificationPayloadSchema>;

/** aggregate -> deliver: one notification payload with the envelope that routes it to its receiver. */
export const notificationMessageSchema = notificationPayloadSchema.extend({
  type: z.literal('notification'),
  /** Stable identity of this notification; history and idempotency key on it. */
  id: z.string().min(1),
  createdAt: z.string(),
  receiver: receiverRefSchema,
  /** Alertmanager's notification_reason: first notification, new alerts added, repeat interval elapsed, ... */
  reason: z.string().optional(),
});
export type NotificationMessage = z.infer<typeof notificationMessageSchema>;

/** A queue message that failed validation: it can never succeed, so it is parked rather than retried. */
export class InvalidMessageError extends PermanentMessageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidMessageError';
  }
}

/** Parses a queue body with a schema, naming what was wrong. */
export function parseMessage<T>(schema: z.ZodType<T>, body: string): T {
  let json: unknown;
  try {
    json = JSON.parse(unpackBody(body));
  } catch (error) {
    throw new InvalidMessageError('message body is not JSON', { cause: error });
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const first = result.error.issues[0];
    throw new InvalidMessageError(`message does not match its schema: ${first?.path.join('.')} ${first?.message}`);
  }
  return result.data;
}
