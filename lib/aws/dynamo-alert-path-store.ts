import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { putAll, type PutRequest } from './batch-write.js';
import type { AlertPathEntry, AlertPathStore } from '../history/alert-path.js';
import { InvalidCursorError } from './dynamo-history-store.js';
import { fingerprintFilter, packedFingerprints } from './packed-fingerprints.js';

/**
 * Partitions per account. A batch's steps are split by fingerprint among them
 * (one item each, at most), and a lookup reads one: more would cost writes on
 * every batch, fewer would make each lookup read more of the account's trail.
 */
const SHARDS = 4;

/** Compressed bytes per item, under DynamoDB's 400 KB item limit with room for the fingerprint sets. */
const MAX_STEPS_BYTES = 200_000;

/** Pages (each up to 1 MB read) one lookup reads before answering with what it found and a cursor. */
const MAX_PAGES_PER_LOOKUP = 10;

/**
 * Alert trails in the history table, written per batch rather than per alert:
 * the steps one call records go into one item per shard
 * (`pk = TRAIL#<account>#<shard>`, `sk = <time>#<random>`), gzip-compressed,
 * with the fingerprints they are about in a set that a query's filter
 * searches. An alert storm of ten thousand new alerts in batches of fifty then
 * costs a few hundred write units instead of ten thousand; asking about one
 * alert reads the newest items of its shard until enough steps are found (a
 * human's question, rare, and paid in read units, which buy eight times the
 * bytes). Expired with the account's history retention.
 *
 * Steps recorded before 2026-12-03 are items of their own under
 * `ALERT#<account>#<fingerprint>`; a lookup's first page still reads them.
 */
export class DynamoAlertPathStore implements AlertPathStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionSeconds: number,
  ) {}

  async record(accountId: string, entries: readonly AlertPathEntry[]): Promise<void> {
    await putAll(this.client, this.putRequests(accountId, entries), 'alert trail');
  }

  /** The writes of {@link record}: an item per shard the steps fall in (more when large), for writing them in a batch with other items. */
  putRequests(accountId: string, entries: readonly AlertPathEntry[]): PutRequest[] {
    const byShard = new Map<number, AlertPathEntry[]>();
    for (const entry of entries) {
      const shard = shardOf(entry.fingerprint);
      const steps = byShard.get(shard);
      if (steps === undefined) byShard.set(shard, [entry]);
      else steps.push(entry);
    }
    const nonce = randomBytes(4).toString('hex');
    return [...byShard].flatMap(([shard, steps]) =>
      packed(steps).map((chunk, index) => {
        const latest = chunk.steps.reduce((at, step) => (step.at > at ? step.at : at), '');
        return {
          TableName: this.tableName,
          Item: {
            pk: partition(accountId, shard),
            sk: `${latest}#${nonce}${index.toString(36)}`,
            steps: chunk.body,
            ...packedFingerprints(chunk.steps.map((step) => step.fingerprint)),
            expiresAt: Math.floor(Date.parse(latest) / 1000) + this.retentionSeconds,
          },
        };
      }),
    );
  }

  /**
   * The alert's steps, newest first, item by item: a page may hold a few more
   * than `limit` (an item's steps are not split) or fewer with a cursor (the
   * read budget ran out first; the cursor goes on from there).
   */
  async list(accountId: string, fingerprint: string, options: { limit: number; cursor?: string }) {
    const pk = partition(accountId, shardOf(fingerprint));
    let startKey = options.cursor === undefined ? undefined : decodeCursor(options.cursor, pk);
    const found: AlertPathEntry[] = options.cursor === undefined ? await this.legacySteps(accountId, fingerprint, options.limit) : [];
    const match = fingerprintFilter(fingerprint);
    for (let pages = 0; pages < MAX_PAGES_PER_LOOKUP; pages++) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: match.expression,
          ExpressionAttributeValues: { ':pk': pk, ...match.values },
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        found.push(...stepsOf(item.steps as Uint8Array).filter((step) => step.fingerprint === fingerprint));
        if (found.length >= options.limit) {
          // Go on after this item next time, even if the page read further.
          return { items: newestFirst(found), cursor: encodeCursor({ pk: item.pk, sk: item.sk }) };
        }
      }
      startKey = page.LastEvaluatedKey;
      if (startKey === undefined) return { items: newestFirst(found) };
    }
    return { items: newestFirst(found), cursor: encodeCursor(startKey!) };
  }

  private async legacySteps(accountId: string, fingerprint: string, limit: number): Promise<AlertPathEntry[]> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `ALERT#${accountId}#${fingerprint}` },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    // Compressed JSON, or a map as versions before 2026-12-02 wrote it.
    return (page.Items ?? []).map((item) => (item.entry instanceof Uint8Array ? JSON.parse(gunzipSync(item.entry).toString('utf8')) : item.entry) as AlertPathEntry);
  }
}

function partition(accountId: string, shard: number): string {
  return `TRAIL#${accountId}#${shard}`;
}

/** Fingerprints are hashes, so their last character spreads them evenly; any string works. */
function shardOf(fingerprint: string): number {
  return fingerprint.length === 0 ? 0 : fingerprint.charCodeAt(fingerprint.length - 1) % SHARDS;
}

function stepsOf(body: Uint8Array): AlertPathEntry[] {
  return JSON.parse(gunzipSync(body).toString('utf8')) as AlertPathEntry[];
}

function newestFirst(steps: AlertPathEntry[]): AlertPathEntry[] {
  return steps.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/** The steps gzip-compressed in as few items as fit, halving a chunk until it does. */
function packed(steps: AlertPathEntry[]): Array<{ steps: AlertPathEntry[]; body: Buffer }> {
  const body = gzipSync(JSON.stringify(steps));
  if (body.length <= MAX_STEPS_BYTES || steps.length === 1) return [{ steps, body }];
  const half = Math.ceil(steps.length / 2);
  return [...packed(steps.slice(0, half)), ...packed(steps.slice(half))];
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ pk: key.pk, sk: key.sk })).toString('base64url');
}

/** A cursor only continues a lookup in the partition it came from. */
function decodeCursor(cursor: string, pk: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (key.pk !== pk || typeof key.sk !== 'string') throw new InvalidCursorError();
    return { pk: key.pk, sk: key.sk };
  } catch {
    throw new InvalidCursorError();
  }
}
