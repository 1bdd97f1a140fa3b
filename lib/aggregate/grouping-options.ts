/**
 * Grouping and timing options of a receiver, with account-wide defaults, as
 * Alertmanager's route options `group_by`, `group_wait`, `group_interval`,
 * `repeat_interval` plus the receiver's `send_resolved` and `max_alerts`.
 */

/** The `group_by` value that groups by every label, i.e. one group per alert. */
export const GROUP_BY_ALL = '...';

/** Grouping options after defaults are applied and validated. Durations in milliseconds. */
export interface GroupingOptions {
  /** Label names to group by, or `['...']` for all labels; `[]` puts every alert of the receiver in one group. */
  groupBy: readonly string[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  sendResolved: boolean;
  /** Most alerts per message; 0 means no limit. */
  maxAlerts: number;
  /** Still carried on the wire and stored (older workers require it); notifications take `externalURL` from the deliver function's `PUBLIC_URL`. */
  externalURL: string;
}

/** Options as configured on a receiver or an account: every field optional. */
export type GroupingOptionsInput = Partial<GroupingOptions>;

/** Alertmanager's defaults (group_by is empty there too: one group per route). */
export const DEFAULT_GROUPING_OPTIONS: GroupingOptions = Object.freeze({
  groupBy: Object.freeze([]) as readonly string[],
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * 60_000,
  repeatIntervalMs: 4 * 60 * 60_000,
  sendResolved: true,
  maxAlerts: 0,
  externalURL: '',
});

/** A receiver's or account's grouping options are invalid; permanent, fix the configuration. */
export class GroupingOptionsError extends Error {
  readonly field: keyof GroupingOptions;

  constructor(field: keyof GroupingOptions, message: string, options?: { cause?: unknown }) {
    super(`invalid grouping option ${field}: ${message}`, options);
    this.name = 'GroupingOptionsError';
    this.field = field;
  }
}

/**
 * Merges a receiver's options over the account defaults over Alertmanager's
 * defaults, field by field, and validates the result. Undefined fields fall
 * through, so a receiver only states what it changes.
 */
export function resolveGroupingOptions(
  receiver: GroupingOptionsInput = {},
  account: GroupingOptionsInput = {},
): GroupingOptions {
  const pick = <K extends keyof GroupingOptions>(key: K): GroupingOptions[K] =>
    receiver[key] ?? account[key] ?? DEFAULT_GROUPING_OPTIONS[key];
  const options: GroupingOptions = {
    groupBy: pick('groupBy'),
    groupWaitMs: pick('groupWaitMs'),
    groupIntervalMs: pick('groupIntervalMs'),
    repeatIntervalMs: pick('repeatIntervalMs'),
    sendResolved: pick('sendResolved'),
    maxAlerts: pick('maxAlerts'),
    externalURL: pick('externalURL'),
  };
  validateGroupingOptions(options);
  return { ...options, groupBy: [...options.groupBy] };
}

/** Throws {@link GroupingOptionsError} unless the options can drive the timers and grouping. */
export function validateGroupingOptions(options: GroupingOptions): void {
  validateGroupBy(options.groupBy);
  // Zero intervals would make a group flush in a loop; Alertmanager rejects them too.
  requireDuration('groupWaitMs', options.groupWaitMs, 0);
  requireDuration('groupIntervalMs', options.groupIntervalMs, 1);
  requireDuration('repeatIntervalMs', options.repeatIntervalMs, 1);
  if (typeof options.sendResolved !== 'boolean') {
    throw new GroupingOptionsError('sendResolved', 'must be true or false');
  }
  if (!Number.isSafeInteger(options.maxAlerts) || options.maxAlerts < 0) {
    throw new GroupingOptionsError('maxAlerts', 'must be a whole number >= 0 (0 = unlimited)');
  }
  if (typeof options.externalURL !== 'string') {
    throw new GroupingOptionsError('externalURL', 'must be a string');
  }
}

function validateGroupBy(groupBy: unknown): void {
  if (!Array.isArray(groupBy)) {
    throw new GroupingOptionsError('groupBy', 'must be a list of label names');
  }
  const seen = new Set<string>();
  for (const name of groupBy as unknown[]) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new GroupingOptionsError('groupBy', 'label names must be non-empty strings');
    }
    if (seen.has(name)) {
      throw new GroupingOptionsError('groupBy', `duplicated label "${name}"`);
    }
    seen.add(name);
  }
  if (seen.has(GROUP_BY_ALL) && seen.size > 1) {
    throw new GroupingOptionsError('groupBy', `"${GROUP_BY_ALL}" must be the only entry`);
  }
}

function requireDuration(field: keyof GroupingOptions, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new GroupingOptionsError(field, `must be a whole number of milliseconds >= ${min}`);
  }
}
