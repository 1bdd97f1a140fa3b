import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ZERO_TIME, type Alert } from '../alert/alert.js';
import { FIRING_MEMORY_MS as MEMORY_MS, type FiringAlert, type FiringAlertStore } from '../configs/config-stores.js';
import type { PutRequest } from './batch-write.js';

/** Compressed bytes per item, under DynamoDB's 400 KB item limit with room for the keys. */
const MAX_ITEM_BYTES = 350_000;

/** One update of one alert as a batch item holds it: a resolution keeps only what hides older updates. */
type FiringEntry = FiringAlert | Pick<FiringAlert, 'fingerprint' | 'status' | 'updatedAt'>;

/**
 * The account's currently firing alerts: sources for inhibition and the
 * answer to Alertmanager's `GET /api/v2/alerts`. Stored in the state table
 * under `pk = FIRING#<account>`, one item per routed batch (`sk =
 * <receivedAt>#<random>`) holding its updates gzip-compressed: one write per
 * batch instead of one per alert. A read merges the items by fingerprint, the
 * update ingest accepted last winning, so a resolution hides the alert; an item
 * expires by TTL when the last of its updates stops mattering, and reads apply
 * the same bounds because TTL deletion lags.
 */
export class DynamoFiringAlerts implements FiringAlertStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async list(accountId: string): Promise<FiringAlert[]> {
    const latest = new Map<string, FiringEntry>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': partition(accountId) },
          ExclusiveStartKey: startKey,
        }),
      );
      // Items come in sort-key order (oldest batch first): on equal times the later batch wins.
      for (const item of page.Items ?? []) {
        for (const entry of JSON.parse(gunzipSync(item.alerts as Uint8Array).toString('utf8')) as FiringEntry[]) {
          const seen = latest.get(entry.fingerprint);
          if (seen === undefined || seen.updatedAt <= entry.updatedAt) latest.set(entry.fingerprint, entry);
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    const now = this.now();
    return [...latest.values()].filter((entry): entry is FiringAlert => entry.status === 'firing' && liveUntil(entry) > now);
  }

  /** Records a batch's latest update of each alert (with the tenants that may see a firing one) as one item, or a few if large. */
  async record(accountId: string, alerts: readonly Alert[], receivedAt: string, tenantsOf: (alert: Alert) => string[] = () => []): Promise<void> {
    await Promise.all(this.putRequests(accountId, alerts, receivedAt, tenantsOf).map((request) => this.client.send(new PutCommand(request))));
  }

  /** The writes of {@link record}, for writing them in a batch with other items. */
  putRequests(accountId: string, alerts: readonly Alert[], receivedAt: string, tenantsOf: (alert: Alert) => string[] = () => []): PutRequest[] {
    const latest = new Map(alerts.map((alert) => [alert.fingerprint, alert]));
    const entries = [...latest.values()].map((alert): FiringEntry => {
      if (alert.status === 'resolved') return { fingerprint: alert.fingerprint, status: 'resolved', updatedAt: receivedAt };
      const stored: FiringAlert = {
        labels: alert.labels,
        annotations: alert.annotations,
        fingerprint: alert.fingerprint,
        status: alert.status,
        startsAt: alert.startsAt,
        endsAt: alert.endsAt,
        generatorURL: alert.generatorURL,
        updatedAt: receivedAt,
      };
      const tenants = tenantsOf(alert);
      if (tenants.length > 0) stored.tenants = tenants;
      return stored;
    });
    return packed(entries).map((chunk) => ({
      TableName: this.tableName,
      Item: {
        pk: partition(accountId),
        sk: `${receivedAt}#${randomBytes(6).toString('hex')}`,
        alerts: chunk.body,
        expiresAt: Math.ceil(Math.max(...chunk.entries.map(liveUntil)) / 1000),
      },
    }));
  }
}

function partition(accountId: string): string {
  return `FIRING#${accountId}`;
}

/** Epoch ms until which an update matters: a firing alert until it ends (a day at most), a resolution for a day. */
function liveUntil(entry: FiringEntry): number {
  const remembered = Date.parse(entry.updatedAt) + MEMORY_MS;
  if (entry.status === 'resolved' || !('endsAt' in entry) || entry.endsAt === ZERO_TIME) return remembered;
  return Math.min(Date.parse(entry.endsAt), remembered);
}

/** The entries gzip-compressed in as few items as fit, halving a chunk until it does. */
function packed(entries: FiringEntry[]): Array<{ entries: FiringEntry[]; body: Buffer }> {
  if (entries.length === 0) return [];
  const body = gzipSync(JSON.stringify(entries));
  if (body.length <= MAX_ITEM_BYTES || entries.length === 1) return [{ entries, body }];
  const half = Math.ceil(entries.length / 2);
  return [...packed(entries.slice(0, half)), ...packed(entries.slice(half))];
}
