import type { NotificationMessage, ReceiverRef } from '../pipeline/messages.js';
import type { GroupState } from './group-state.js';
import type { GroupingOptions } from './grouping-options.js';

/**
 * What a flush decided, kept with the state it produced (a transactional
 * outbox): if the worker dies after writing the state but before sending, the
 * redelivered timer finds the outbox and sends it then, instead of the
 * notification being lost. Whether it was sent is not recorded (a write per
 * flush): only a redelivered timer sends it again, and delivery drops a
 * notification id it has sent.
 */
export interface GroupOutbox {
  /** The timer (`scheduledFor`) whose flush produced this outbox. */
  scheduledFor: number;
  notification?: NotificationMessage;
  nextFlushAt: number | null;
}

/** One group as stored: its state, the options it runs with, and the flush outbox. */
export interface StoredGroup {
  state: GroupState;
  options: GroupingOptions;
  receiver: ReceiverRef;
  outbox?: GroupOutbox;
}

/** Group state storage with optimistic concurrency on `state.version`. */
export interface GroupStore {
  get(groupId: string): Promise<StoredGroup | undefined>;
  /** Writes if the stored version is still `expectedVersion` (undefined: the group must not exist); else VersionConflictError. */
  put(group: StoredGroup, expectedVersion: number | undefined): Promise<void>;
}

