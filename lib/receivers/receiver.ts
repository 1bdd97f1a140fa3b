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
  /** Channel-specific settings, validated by the channel's schema on write and on use. */
  settings: Record<string, unknown>;
  /** Grouping and timing (Alertmanager's group_by, group_wait, ...); unset fields take the defaults. */
  grouping?: ReceiverGrouping;
  createdAt: string;
  updatedAt: string;
  /** Incremented on every write; updates must name the version they replace. */
  version: number;
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
  /** Creates or replaces; `expectedVersion` 0 means "must not exist yet". */
  put(receiver: Receiver, expectedVersion: number): Promise<void>;
}

/** Another writer changed the object since it was read; the caller must re-read. */
export class VersionConflictError extends Error {
  constructor(what: string) {
    super(`${what} was changed by someone else; read it again and retry`);
    this.name = 'VersionConflictError';
  }
}

export function receiverRef(receiver: Receiver): ReceiverRef {
  return receiver.tenantId === undefined
    ? { accountId: receiver.accountId, name: receiver.name }
    : { accountId: receiver.accountId, tenantId: receiver.tenantId, name: receiver.name };
}
