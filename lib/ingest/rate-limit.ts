/** The cluster sent more requests than its limit allows; answered 429 with Retry-After. */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many requests; retry after ${retryAfterSeconds} s`);
    this.name = 'RateLimitedError';
  }
}

/** Counts requests per cluster per fixed one-minute window. */
export interface RateLimiter {
  /** Counts one request; throws RateLimitedError when the window's limit is used up. */
  take(clusterId: string, now: Date): Promise<void>;
}
