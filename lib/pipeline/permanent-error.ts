/**
 * A queue message that can never be processed, however often it is retried
 * (malformed, inconsistent, or pointing at data that is gone). Consumers park
 * such a message on its dead-letter queue at once instead of backing off.
 */
export class PermanentMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentMessageError';
  }
}
