/** One problem with a request body, located precisely enough to fix it. */
export interface FieldIssue {
  /** JSON path of the offending field, e.g. `alerts[3].labels.severity`. */
  field: string;
  message: string;
  /** Index of the item in a batch, when the body is a batch. */
  index?: number;
}

/** The body (or part of it) is not acceptable; answered with HTTP 400. */
export class InvalidPayloadError extends Error {
  constructor(
    message: string,
    readonly issues: FieldIssue[],
  ) {
    super(message);
    this.name = 'InvalidPayloadError';
  }
}
