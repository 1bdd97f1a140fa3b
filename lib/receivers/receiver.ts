import { randomUUID } from 'node:crypto';
import type { SelectorSpec } from '../matchers/selector.js';
import type { ReceiverRef } from '../pipeline/messages.js';

/** Where notifications go: a channel type plus that channel's settings. */
export interface Receiver {
  accountId: string;
  /** Absent for the account's global receivers. */
  tenantId?: string;
  name: string;
  /** A key of the channel registry, e.g. `webhook`. */
  channel: string;
  enabled: boolean;
  /**
   * Channel-specific settings, validated by the channel's schema on write and
   * on use. The channel's secret settings appear here masked; their values are
   * in `sealedSettings` (see receiver-secrets.ts).
   */
  settings: Record<string, unknown>;
  /** The channel's secret settings as one sealed JSON object; absent when there are none, or for a receiver stored before sealing. */
  sealedSettings?: string;
  /** Grouping and timing (Alertmanager's group_by, group_wait, ...); unset fields take the defaults. */
  grouping?: ReceiverGrouping;
  /** Only alerts this selector matches reach the receiver (label selector and/or Alertmanager matchers). */
  filter?: SelectorSpec;
  /** Picks the config (credentials) by its labels; without it, the first config of the channel. */
  configSelector?: Record<string, string>;
  /** How notifications read: language, time zone, custom templates (inline or a named template set). */
  presentation?: ReceiverPresentation;
  createdAt: string;
  updatedAt: string;
  /**
   * Set when the receiver is created and kept by its updates: tells a receiver
   * deleted and created again under the same name (perhaps by a new tenant of
   * the same name) from the one an alert was routed to. It starts with the
   * creation time, so later lives sort after earlier ones. Receivers stored
   * before it existed use `createdAt`.
   */
  incarnation?: string;
  /** Incremented on every write; updates must name the version they replace. */
  version: number;
}

/** Templates and language of a receiver's messages. */
export interface ReceiverPresentation {
  language?: string;
  timeZone?: string;
  /** A named template set of the account (or of the receiver's tenant). */
  templateSet?: string;
  /** Inline templates by kind; override the set's. */
  templates?: Partial<Record<'title' | 'text' | 'markdown' | 'html', string>>;
}

/** A receiver's grouping as stored: durations in milliseconds, every field optional. */
export interface ReceiverGrouping {
  groupBy?: string[];
  groupWaitMs?: number;
  groupIntervalMs?: number;
  repeatIntervalMs?: number;
  sendResolved?: boolean;
  maxAlerts?: number;
}

export interface ReceiverStore {
  get(ref: ReceiverRef): Promise<Receiver | undefined>;
  listGlobal(accountId: string): Promise<Receiver[]>;
  listTenant(accountId: string, tenantId: string): Promise<Receiver[]>;
  /** Creates or replaces; `expectedVersion` 0 means "must not exist yet". */
  put(receiver: Receiver, expectedVersion: number): Promise<void>;
  delete(ref: ReceiverRef, expectedVersion?: number): Promise<boolean>;
}

/** How people name receivers in routers and explanations: `name` (global) or `tenant/name`. */
export function receiverLabel(ref: { tenantId?: string; name: string }): string {
  return ref.tenantId === undefined ? ref.name : `${ref.tenantId}/${ref.name}`;
}

/** Another writer changed the object since it was read; the caller must re-read. */
export class VersionConflictError extends Error {
  constructor(what: string) {
    super(`${what} was changed by someone else; read it again and retry`);
    this.name = 'VersionConflictError';
  }
}

export function receiverRef(receiver: Receiver): ReceiverRef {
  const incarnation = receiver.incarnation ?? receiver.createdAt;
  return receiver.tenantId === undefined
    ? { accountId: receiver.accountId, name: receiver.name, incarnation }
    : { accountId: receiver.accountId, tenantId: receiver.tenantId, name: receiver.name, incarnation };
}

/** A new receiver's incarnation: its creation time, then a random part for two lives begun in one millisecond. */
export function newIncarnation(createdAt: string): string {
  return `${createdAt}/${randomUUID().slice(0, 8)}`;
}

/**
 * Orders two references by the life of the receiver they name: negative when
 * `a` is of an earlier life than `b`. A reference without an incarnation
 * (queued before references carried one) counts as any life.
 */
export function compareIncarnations(a: ReceiverRef, b: ReceiverRef): number {
  if (a.incarnation === undefined || b.incarnation === undefined || a.incarnation === b.incarnation) return 0;
  return a.incarnation < b.incarnation ? -1 : 1;
}

/** Whether two references name the same life of a receiver. */
export function sameIncarnation(a: ReceiverRef, b: ReceiverRef): boolean {
  return compareIncarnations(a, b) === 0;
}
