import { z } from 'zod';
import { alertSchema } from '../alert/alert-schema.js';
import { labelSetSchema } from '../alert/alert-schema.js';

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
});
export type ReceiverRef = z.infer<typeof receiverRefSchema>;

/** route -> aggregate: the alerts one receiver should get. */
export const routedAlertsMessageSchema = z.object({
  type: z.literal('routed-alerts'),
  receiver: receiverRefSchema,
  alerts: z.array(alertSchema).min(1),
});
export type RoutedAlertsMessage = z.infer<typeof routedAlertsMessageSchema>;

/** aggregate -> deliver: one message for one receiver, in Alertmanager's webhook shape. */
export const notificationMessageSchema = z.object({
  type: z.literal('notification'),
  /** Stable identity of this notification; history and idempotency key on it. */
  id: z.string().min(1),
  createdAt: z.string(),
  receiver: receiverRefSchema,
  groupKey: z.string(),
  status: z.enum(['firing', 'resolved']),
  groupLabels: labelSetSchema,
  commonLabels: labelSetSchema,
  commonAnnotations: labelSetSchema,
  truncatedAlerts: z.number().int().nonnegative(),
  alerts: z.array(alertSchema).min(1),
});
export type NotificationMessage = z.infer<typeof notificationMessageSchema>;

/** A queue message that failed validation: it can never succeed, so it is parked rather than retried. */
export class InvalidMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidMessageError';
  }
}

/** Parses a queue body with a schema, naming what was wrong. */
export function parseMessage<T>(schema: z.ZodType<T>, body: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
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
