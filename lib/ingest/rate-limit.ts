import type { Owner } from '../tenancy/owner.js';

/** The cluster sent more requests than its limit allows; answered 429 with Retry-After. */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many requests; retry after ${retryAfterSeconds} s`);
    this.name = 'RateLimitedError';
  }
}

/** Counts requests per key (a cluster, a receiver) per fixed one-minute window, shared by every function instance. */
export interface RateLimiter {
  /** Counts one request; throws RateLimitedError when the window's limit (the limiter's default unless given) is used up. */
  take(key: string, now: Date, limitPerMinute?: number): Promise<void>;
}

/** Counts one kind of request per owner (the operator or one tenant) of an account, per minute. */
export interface OwnerRateLimiter {
  /** Counts one request; throws RateLimitedError when the owner's minute is used up. */
  take(accountId: string, owner: Owner, now: Date): Promise<void>;
}
