import type { Alert } from '../alert/alert.js';
import type { AlertRouting } from '../route/route-alerts.js';
import type { DeliveryStatus, HistoryStore, NotificationRecord } from './notification-record.js';

/** One step of an alert's path through tidings, as "why (not) paged?" needs it. */
export type AlertPathEntry =
  | {
      /** Ingest accepted the alert (derived from the routing step, which records when: no write of its own). */
      stage: 'received';
      at: string;
      fingerprint: string;
      status: Alert['status'];
      cluster: string;
      source: Alert['source'];
    }
  | {
      stage: 'routed';
      at: string;
      fingerprint: string;
      alertname: string;
      status: Alert['status'];
      cluster: string;
      source: Alert['source'];
      /** For alerts made by an event or audit rule: the rule. */
      rule?: string;
      /** When ingest accepted the alert; absent from steps recorded before it was kept. */
      receivedAt?: string;
      tenants: AlertRouting['tenants'];
      routers: string[];
      /** Each receiver considered, and whether it got the alert or what stopped it (filter, silence, inhibition). */
      receivers: Array<Pick<AlertRouting['receivers'][number], 'receiver' | 'outcome' | 'via' | 'detail'>>;
    }
  | {
      /** A flush left the alert out of the receiver's message: recorded when the mute begins or changes. */
      stage: 'silenced' | 'inhibited';
      at: string;
      fingerprint: string;
      /** Whether the flush held back the alert firing, or its resolution. */
      status?: Alert['status'];
      receiver: string;
      /** `silence <ids>` or `inhibit rule <id> by alert <fingerprint>`. */
      detail: string;
    }
  | {
      stage: 'notified';
      at: string;
      fingerprint: string;
      notificationId: string;
      receiver: string;
      channel: string;
      status: DeliveryStatus;
      reason?: string;
    };

export interface AlertPathStore {
  record(accountId: string, entries: readonly AlertPathEntry[]): Promise<void>;
  /** Newest first. */
  list(accountId: string, fingerprint: string, options: { limit: number; cursor?: string }): Promise<{ items: AlertPathEntry[]; cursor?: string }>;
}

/** The routing step of each alert of a batch, accepted by ingest at `receivedAt`. */
export function routedEntries(alerts: readonly Alert[], decisions: readonly AlertRouting[], at: string, receivedAt?: string): AlertPathEntry[] {
  return alerts.map((alert, index) => {
    const decision = decisions[index]!;
    const fromRule = alert.labels.alerttype === 'event' || alert.labels.alerttype === 'auditing';
    return {
      stage: 'routed',
      at,
      fingerprint: alert.fingerprint,
      alertname: alert.labels.alertname ?? '',
      status: alert.status,
      cluster: alert.cluster,
      source: alert.source,
      ...(fromRule ? { rule: alert.labels.alertname ?? '' } : {}),
      ...(receivedAt === undefined ? {} : { receivedAt }),
      tenants: decision.tenants,
      routers: decision.routers,
      // Kept small (one write unit for a handful of receivers): the mute object and channel are in `detail` and the config.
      receivers: decision.receivers.map(({ receiver, outcome, via, detail }) => ({ receiver, outcome, via, ...(detail === undefined ? {} : { detail }) })),
    };
  });
}

/**
 * The routing step last recorded for each alert, so that a refresh that
 * changes nothing (Prometheus resends every firing alert at each evaluation)
 * is not written again: the trail keeps the first receipt and every change of
 * status or routing, not one step per resend. Memory of one function
 * instance, bounded, least recently used first out; after a cold start the
 * next refresh of an alert is recorded once more, which is harmless.
 */
export class RecordedRoutings {
  private readonly last = new Map<string, string>();
  /** Summaries made by `changed`, for `remember` of the same steps. */
  private readonly summaries = new WeakMap<AlertPathEntry, string>();

  constructor(private readonly capacity = 100_000) {}

  /** The steps whose status or routing differ from the last one recorded for their alert. */
  changed(accountId: string, entries: readonly AlertPathEntry[]): AlertPathEntry[] {
    return entries.filter((entry) => this.last.get(key(accountId, entry)) !== this.summary(entry));
  }

  /** Call once the steps are written. */
  remember(accountId: string, entries: readonly AlertPathEntry[]): void {
    for (const entry of entries) {
      const id = key(accountId, entry);
      this.last.delete(id);
      this.last.set(id, this.summary(entry));
      if (this.last.size > this.capacity) this.last.delete(this.last.keys().next().value!);
    }
  }

  private summary(entry: AlertPathEntry): string {
    let said = this.summaries.get(entry);
    if (said === undefined) {
      said = summary(entry);
      this.summaries.set(entry, said);
    }
    return said;
  }
}

function key(accountId: string, entry: AlertPathEntry): string {
  return `${accountId}\0${entry.fingerprint}`;
}

/** What a routing step says, without its times. */
function summary(entry: AlertPathEntry): string {
  if (entry.stage !== 'routed') return JSON.stringify(entry);
  const { at: _at, receivedAt: _receivedAt, ...said } = entry;
  return JSON.stringify(said);
}

/**
 * What a tenant may see of an alert's path: only if the alert reached its
 * namespaces, and then only its own receivers.
 */
export function tenantView(entries: readonly AlertPathEntry[], tenantId: string): AlertPathEntry[] {
  const prefix = `${tenantId}/`;
  const visible = entries.some((e) => e.stage === 'routed' && e.tenants.some((t) => t.tenantId === tenantId));
  if (!visible) return [];
  return entries.flatMap((entry): AlertPathEntry[] => {
    if (entry.stage === 'received') return [entry];
    if (entry.stage !== 'routed') return entry.receiver.startsWith(prefix) ? [entry] : [];
    const own = entry.receivers.filter((r) => r.receiver.startsWith(prefix));
    return entry.tenants.some((t) => t.tenantId === tenantId) ? [{ ...entry, tenants: entry.tenants.filter((t) => t.tenantId === tenantId), routers: [], receivers: own }] : [];
  });
}

/** How long after routing a notification still counts as part of an alert's path. */
const NOTIFIED_WINDOW_MS = 24 * 60 * 60_000;

/** The most notified steps shown per receiver: an alert is in a handful of notifications a day (firing, repeats, resolved). */
const MAX_NOTIFIED_PER_RECEIVER = 50;

/**
 * History is filtered by fingerprint only after a page is read (a notification
 * carries a list of fingerprints, which no index can key), so one page of a
 * busy receiver's notifications can hold none of the alert's. The window is
 * read page by page instead, oldest first from the routing, where the alert's
 * notification is (a group wait after it), up to this many pages per receiver
 * (in DynamoDB a page stops at 1,000 items or 1 MB read, whichever comes
 * first): finding it does not depend on what else the receiver sent, and
 * asking costs at most ten queries per receiver.
 */
const HISTORY_PAGE_ITEMS = 1000;
const MAX_HISTORY_PAGES = 10;

/** The receiver's notifications within the window that carried the alert, oldest first. */
async function notificationsCarrying(
  accountId: string,
  fingerprint: string,
  lookup: { receiver: string; from: string; to: string },
  history: HistoryStore,
): Promise<NotificationRecord[]> {
  const found: NotificationRecord[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < MAX_HISTORY_PAGES && found.length < MAX_NOTIFIED_PER_RECEIVER; pages++) {
    const query = { ...lookup, fingerprint, oldestFirst: true, limit: HISTORY_PAGE_ITEMS, ...(cursor === undefined ? {} : { cursor }) };
    const page = await history.list(accountId, query);
    found.push(...page.items);
    if (page.cursor === undefined) break;
    cursor = page.cursor;
  }
  return found.slice(0, MAX_NOTIFIED_PER_RECEIVER);
}

/**
 * An alert's whole path: its routing steps (recorded once per alert as it is
 * routed) and, for each receiver it was routed to, the notifications that
 * carried it, found in that receiver's history within a day of routing.
 * Deriving the notified steps at query time costs reads only when someone
 * asks, instead of a write per alert per receiver for every notification.
 */
export async function alertPath(
  accountId: string,
  fingerprint: string,
  options: { limit: number; cursor?: string },
  deps: { paths: AlertPathStore; history: HistoryStore },
): Promise<{ items: AlertPathEntry[]; cursor?: string }> {
  const page = await deps.paths.list(accountId, fingerprint, options);
  const routed = page.items.filter((entry): entry is Extract<AlertPathEntry, { stage: 'routed' }> => entry.stage === 'routed');
  const lookups = new Map<string, { receiver: string; from: string; to: string }>();
  for (const entry of routed) {
    for (const decision of entry.receivers.filter((r) => r.outcome === 'delivered')) {
      const from = entry.at;
      const to = new Date(Date.parse(entry.at) + NOTIFIED_WINDOW_MS).toISOString();
      const current = lookups.get(decision.receiver);
      lookups.set(decision.receiver, current === undefined ? { receiver: decision.receiver, from, to } : { receiver: decision.receiver, from: current.from < from ? current.from : from, to: current.to > to ? current.to : to });
    }
  }
  const notified = await Promise.all(
    [...lookups.values()].map(async (lookup) => {
      const { receiver } = lookup;
      const records = await notificationsCarrying(accountId, fingerprint, lookup, deps.history);
      return records.map(
        (record): AlertPathEntry => ({
          stage: 'notified',
          at: record.updatedAt,
          fingerprint,
          notificationId: record.notificationId,
          receiver,
          channel: record.channel,
          status: record.status,
          ...(record.reason === undefined ? {} : { reason: record.reason }),
        }),
      );
    }),
  );
  const received = routed.flatMap((entry): AlertPathEntry[] =>
    entry.receivedAt === undefined
      ? []
      : [{ stage: 'received', at: entry.receivedAt, fingerprint: entry.fingerprint, status: entry.status, cluster: entry.cluster, source: entry.source }],
  );
  const items = [...page.items, ...received, ...notified.flat()].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return page.cursor === undefined ? { items } : { items, cursor: page.cursor };
}
