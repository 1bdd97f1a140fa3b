import { QueueSendError } from '../../lib/aws/sqs-queue-publisher.js';

/** A request ran out of time waiting on its dependencies; the sender should retry. */
export class DependencyTimeoutError extends Error {
  constructor(readonly waitedMs: number) {
    super(`dependencies did not answer within ${waitedMs} ms`);
    this.name = 'DependencyTimeoutError';
  }
}

/**
 * Whether a failure was a dependency's (DynamoDB or SQS unreachable, slow,
 * throttling or failing on its side) rather than the request's or ours: the
 * sender is then told 503 with Retry-After, since the same request may well
 * succeed later. SDK errors carry `$metadata`; one with no HTTP status never
 * got an answer (refused, reset, timed out).
 */
export function isDependencyFailure(error: unknown): boolean {
  if (error instanceof DependencyTimeoutError || error instanceof QueueSendError) return true;
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return false;
  const sdkError = error as { $metadata?: { httpStatusCode?: number }; $fault?: string; $retryable?: unknown };
  const status = sdkError.$metadata?.httpStatusCode;
  return status === undefined || status >= 500 || status === 429 || sdkError.$fault === 'server' || sdkError.$retryable !== undefined;
}

/**
 * Runs `work` but gives up after `ms`, so a handler can answer before its
 * function timeout cuts it off with a bare 500. Work given up on may still
 * finish; an answer of 503 tells the sender to retry, which is safe because
 * alerts are idempotent by fingerprint.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DependencyTimeoutError(ms)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
