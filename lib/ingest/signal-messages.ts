import * as z from 'zod';
import { chunkBySize, MAX_MESSAGE_BYTES } from '../pipeline/queue.js';
import type { KubernetesAuditSignal } from './kubernetes-audit.js';
import type { KubernetesEventSignal } from './kubernetes-events.js';

/*
 * ingest -> filter: Kubernetes events and audit events from one authenticated
 * cluster. To be moved into lib/pipeline/messages.ts with the other queue
 * messages; the filter stage validates with these schemas before trusting a body.
 */

const text = z.string();
const reference = z.looseObject({
  kind: text,
  namespace: text,
  name: text,
  uid: text,
  apiVersion: text,
  resourceVersion: text,
  fieldPath: text,
});

/** A Kubernetes event signal as the filter stage reads it. */
export const kubernetesEventSignalSchema: z.ZodType<KubernetesEventSignal> = z.object({
  kind: z.literal('kubernetes-event'),
  format: z.enum(['core/v1', 'events.k8s.io/v1', 'event-exporter', 'kube-eventer']),
  namespace: z.string(),
  event: z.looseObject({
    apiVersion: text,
    kind: text,
    metadata: z.looseObject({ name: text, namespace: text }),
    involvedObject: reference,
    reason: text,
    message: text,
    type: text,
    count: z.number(),
    source: z.looseObject({ component: text, host: text }),
    firstTimestamp: z.string().nullable(),
    lastTimestamp: z.string().nullable(),
    eventTime: z.string().nullable(),
    reportingComponent: text,
    reportingInstance: text,
    action: text,
  }),
}) as z.ZodType<KubernetesEventSignal>;

/** An audit event signal as the filter stage reads it. */
export const kubernetesAuditSignalSchema: z.ZodType<KubernetesAuditSignal> = z.object({
  kind: z.literal('kubernetes-audit'),
  namespace: z.string(),
  event: z.looseObject({
    apiVersion: text,
    kind: text,
    auditID: z.string().min(1),
    stage: z.enum(['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic']),
    requestURI: text,
    verb: text,
    user: z.looseObject({}),
  }),
}) as z.ZodType<KubernetesAuditSignal>;

const envelope = {
  type: z.literal('signal-batch'),
  accountId: z.string().min(1),
  clusterId: z.string().min(1),
  /** The authenticated cluster's name, stamped on the alerts rules make. */
  clusterName: z.string().min(1),
  receivedAt: z.string(),
};

/** ingest -> filter: one kind of signal per message, so the filter picks its rules once. */
export const signalBatchMessageSchema = z.discriminatedUnion('kind', [
  z.object({ ...envelope, kind: z.literal('kubernetes-event'), signals: z.array(kubernetesEventSignalSchema).min(1) }),
  z.object({ ...envelope, kind: z.literal('kubernetes-audit'), signals: z.array(kubernetesAuditSignalSchema).min(1) }),
]);
export type SignalBatchMessage = z.infer<typeof signalBatchMessageSchema>;

/** The sender a batch came from, as authentication resolved it. */
export interface SignalBatchOrigin {
  accountId: string;
  clusterId: string;
  clusterName: string;
}

/**
 * Queue bodies for the signals of one request, split by `chunkBySize` so that
 * a large audit batch becomes several messages instead of a failed send. The
 * parsers already refuse a single signal too large for a message.
 */
export function signalBatchBodies(
  origin: SignalBatchOrigin,
  signals:
    | { kind: 'kubernetes-event'; items: readonly KubernetesEventSignal[] }
    | { kind: 'kubernetes-audit'; items: readonly KubernetesAuditSignal[] },
  now: Date,
  maxBytes = MAX_MESSAGE_BYTES,
): string[] {
  const base = {
    type: 'signal-batch' as const,
    accountId: origin.accountId,
    clusterId: origin.clusterId,
    clusterName: origin.clusterName,
    receivedAt: now.toISOString(),
  };
  if (signals.kind === 'kubernetes-event') {
    return chunkBySize(
      signals.items,
      (chunk) => JSON.stringify({ ...base, kind: signals.kind, signals: chunk } satisfies SignalBatchMessage),
      maxBytes,
    );
  }
  return chunkBySize(
    signals.items,
    (chunk) => JSON.stringify({ ...base, kind: signals.kind, signals: chunk } satisfies SignalBatchMessage),
    maxBytes,
  );
}
