/** SQS caps a message's visibility timeout at 12 hours. */
const MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

export interface BackoffPolicy {
  /** Delay before the second attempt; doubles with every attempt after. */
  baseSeconds: number;
  /** The delay never grows past this. */
  maxSeconds: number;
}

/**
 * How long a failed message should stay invisible before its next attempt:
 * exponential backoff with "equal jitter" (half fixed, half random, so retries
 * of many messages failing together spread out but still grow), and never
 * sooner than the provider's Retry-After.
 */
export function retryDelaySeconds(
  attempt: number,
  policy: BackoffPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.ceil(exponential / 2 + (random() * exponential) / 2);
  const floor = retryAfterMs === undefined ? 0 : Math.ceil(retryAfterMs / 1000);
  return Math.min(MAX_VISIBILITY_SECONDS, Math.max(jittered, floor));
}
