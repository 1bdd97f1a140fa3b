/**
 * Errors raised while compiling rules. All of them are the caller's fault
 * (a bad condition, template or definition), so an API answers 400 and a
 * queue consumer must not retry: none of them is retryable.
 */

/** Where in a condition's text something happened. */
export interface SourcePosition {
  /** 0-based index into the source string (UTF-16 code units), for slicing. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column within the line. */
  column: number;
}

/** Base class of every rule error; `field` names the part of the rule at fault. */
export class RuleError extends Error {
  readonly retryable = false;
  field: string | undefined;

  constructor(message: string, options?: { cause?: unknown; field?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RuleError';
    this.field = options?.field;
  }

  /** A JSON body suitable for an HTTP 400 answer. */
  toJSON(): Record<string, unknown> {
    return { error: this.name, message: this.message, ...(this.field === undefined ? {} : { field: this.field }) };
  }
}

/** A condition (or macro, or regular expression inside one) does not parse. */
export class RuleSyntaxError extends RuleError {
  readonly position: SourcePosition;
  /** Human-readable descriptions of what would have been accepted. */
  readonly expected: readonly string[];
  /** What was found instead, as written (or "end of condition"). */
  readonly found: string;
  /** The macro whose text holds the error, when it is not the rule's own condition. */
  readonly definition: string | undefined;

  constructor(
    detail: string,
    init: { position: SourcePosition; expected?: readonly string[]; found: string; definition?: string; cause?: unknown },
  ) {
    const where = `line ${init.position.line}, column ${init.position.column}`;
    const inDef = init.definition === undefined ? '' : ` in macro "${init.definition}"`;
    super(`${detail} at ${where}${inDef}`, init.cause === undefined ? { field: 'condition' } : { cause: init.cause, field: 'condition' });
    this.name = 'RuleSyntaxError';
    this.position = init.position;
    this.expected = init.expected ?? [];
    this.found = init.found;
    this.definition = init.definition;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      offset: this.position.offset,
      line: this.position.line,
      column: this.position.column,
      expected: this.expected,
      found: this.found,
      ...(this.definition === undefined ? {} : { definition: this.definition }),
    };
  }
}

/** A `${name}` reference is undefined, of the wrong kind, or part of a cycle. */
export class RuleReferenceError extends RuleError {
  readonly reference: string;
  /** For cycles: the chain of macro names, first name repeated at the end. */
  readonly chain: readonly string[];

  constructor(message: string, init: { reference: string; chain?: readonly string[]; field?: string }) {
    super(message, { field: init.field ?? 'condition' });
    this.name = 'RuleReferenceError';
    this.reference = init.reference;
    this.chain = init.chain ?? [];
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reference: this.reference, ...(this.chain.length > 0 ? { chain: this.chain } : {}) };
  }
}

/** A rule, template, scope, definition or route spec is invalid for a reason other than syntax. */
export class RuleValidationError extends RuleError {
  constructor(message: string, options?: { cause?: unknown; field?: string }) {
    super(message, options);
    this.name = 'RuleValidationError';
  }
}

/** The input given to evaluation is not a Kubernetes event or audit event. */
export class SignalShapeError extends Error {
  readonly retryable = false;

  constructor(message: string) {
    super(message);
    this.name = 'SignalShapeError';
  }
}
