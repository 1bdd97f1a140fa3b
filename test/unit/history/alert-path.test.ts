import { describe, expect, it } from 'vitest';
import { alertPath, RecordedRoutings, type AlertPathEntry, type AlertPathStore } from '../../../lib/history/alert-path.js';
import { aNotificationRecord, aRoutedEntry } from '../../helpers/builders.js';
import type { HistoryPage, HistoryQuery, HistoryStore, NotificationRecord } from '../../../lib/history/notification-record.js';

const routedAt = '2026-11-25T10:00:00.000Z';

/** Alert paths holding one routing of `fingerprint` to receiver `ops`. */
function pathsOf(fingerprint: string, receivedAt?: string): AlertPathStore {
  const routed = aRoutedEntry(fingerprint, ['ops'], routedAt, receivedAt === undefined ? {} : { receivedAt });
  return { record: async () => undefined, list: async () => ({ items: [routed] }) };
}

/**
 * History as DynamoDB answers it: a page reads `limit` items of the window
 * first and filters them by fingerprint after, so a page can come back empty
 * with a cursor. Remembers every query.
 */
class PagedHistory implements HistoryStore {
  readonly queries: HistoryQuery[] = [];
  constructor(private readonly records: NotificationRecord[]) {}
  async record(): Promise<void> {}
  async list(_accountId: string, query: HistoryQuery): Promise<HistoryPage> {
    this.queries.push(query);
    const ordered = [...this.records].sort((a, b) => a.createdAt.localeCompare(b.createdAt) * (query.oldestFirst ? 1 : -1));
    const start = query.cursor === undefined ? 0 : Number(query.cursor);
    const read = ordered.slice(start, start + query.limit);
    const items = read.filter((record) => query.fingerprint === undefined || record.fingerprints.includes(query.fingerprint));
    return start + query.limit < ordered.length ? { items, cursor: String(start + query.limit) } : { items };
  }
}

function aRecord(index: number, fingerprints: string[]): NotificationRecord {
  return aNotificationRecord(`n-${index}`, 'ops', new Date(Date.parse(routedAt) + (index + 1) * 5000).toISOString(), fingerprints);
}

describe('alertPath', () => {
  it('shows when ingest received the alert, from its routing step, as the first step of its path', async () => {
    const receivedAt = '2026-11-25T09:59:59.500Z';
    const path = await alertPath('acme', 'fp-1', { limit: 50 }, { paths: pathsOf('fp-1', receivedAt), history: new PagedHistory([aRecord(0, ['fp-1'])]) });

    expect(path.items.map((entry) => entry.stage)).toEqual(['notified', 'routed', 'received']);
    expect(path.items.at(-1)).toEqual({ stage: 'received', at: receivedAt, fingerprint: 'fp-1', status: 'firing', cluster: 'prod-eu', source: 'alertmanager-webhook' });
  });

  it('finds the notification of an alert whatever the receiver sent after it, reading its history from the routing on', async () => {
    const history = new PagedHistory([aRecord(0, ['fp-1']), ...Array.from({ length: 2500 }, (_, i) => aRecord(i + 1, [`other-${i}`]))]);

    const path = await alertPath('acme', 'fp-1', { limit: 50 }, { paths: pathsOf('fp-1'), history });

    expect(path.items.filter((entry) => entry.stage === 'notified')).toEqual([expect.objectContaining({ notificationId: 'n-0', receiver: 'ops' })]);
    expect(history.queries[0]).toMatchObject({ receiver: 'ops', fingerprint: 'fp-1', oldestFirst: true, from: routedAt });
  });

  it('reads at most ten pages of one receiver history, however long the window', async () => {
    const history = new PagedHistory(Array.from({ length: 30_000 }, (_, i) => aRecord(i, [`other-${i}`])));

    await alertPath('acme', 'fp-1', { limit: 50 }, { paths: pathsOf('fp-1'), history });

    expect(history.queries).toHaveLength(10);
  });
});

describe('RecordedRoutings', () => {
  it('lets through the first routing of an alert and every change, not a refresh that says the same', () => {
    // Prepare
    const recorded = new RecordedRoutings();
    const first = aRoutedEntry('fp-1', ['ops'], '2026-11-25T10:00:00.000Z', { receivedAt: '2026-11-25T09:59:59.000Z' });
    recorded.remember('acme', recorded.changed('acme', [first]));

    // Act
    const refresh = recorded.changed('acme', [aRoutedEntry('fp-1', ['ops'], '2026-11-25T10:01:00.000Z', { receivedAt: '2026-11-25T10:00:59.000Z' })]);
    const resolved = recorded.changed('acme', [{ ...(first as Extract<AlertPathEntry, { stage: 'routed' }>), at: '2026-11-25T10:02:00.000Z', status: 'resolved' }]);
    const rerouted = recorded.changed('acme', [aRoutedEntry('fp-1', ['ops', 'oncall'], '2026-11-25T10:03:00.000Z')]);
    const otherAccount = recorded.changed('globex', [first]);

    // Assess
    expect(refresh).toEqual([]);
    expect(resolved).toHaveLength(1);
    expect(rerouted).toHaveLength(1);
    expect(otherAccount).toEqual([first]);
  });

  it('forgets the least recently recorded alert first when full', () => {
    const recorded = new RecordedRoutings(2);
    const step = (fp: string) => aRoutedEntry(fp, ['ops'], '2026-11-25T10:00:00.000Z');
    recorded.remember('acme', [step('a'), step('b')]);
    recorded.remember('acme', [step('a')]);
    recorded.remember('acme', [step('c')]);

    expect(recorded.changed('acme', [step('a'), step('b'), step('c')]).map((e) => e.fingerprint)).toEqual(['b']);
  });
});
