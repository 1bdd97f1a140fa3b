/** Which dead letters to move back; every field narrows. */
export interface ReplayFilter {
  accountId?: string;
  /** Receiver name (`name` or `tenant/name`), for messages that carry one. */
  receiver?: string;
  /** Only messages that reached the dead-letter queue in this window (their SentTimestamp there). */
  since?: Date;
  until?: Date;
}

/** What a replay did. */
export interface ReplayResult {
  replayed: number;
  /** Looked at but left on the dead-letter queue (filtered out). */
  skipped: number;
}

/** Message attribute a replay adds: the message may have been handled before it was parked. */
export const REPLAYED_ATTRIBUTE = 'tidings-replayed';
