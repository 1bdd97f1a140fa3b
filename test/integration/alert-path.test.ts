import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { gzipSync } from 'node:zlib';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { freePort } from '../../infra/local/ports.js';
import { loadServiceDefinition } from '../../infra/local/serverless-config.js';
import { DynamoAlertPathStore } from '../../lib/aws/dynamo-alert-path-store.js';
import { DynamoHistoryStore } from '../../lib/aws/dynamo-history-store.js';
import { alertPath, type AlertPathEntry } from '../../lib/history/alert-path.js';
import { aNotificationRecord, aRoutedEntry } from '../helpers/builders.js';
import type { NotificationRecord } from '../../lib/history/notification-record.js';

const region = 'us-east-1';
const retentionSeconds = 30 * 86_400;
const routedAt = Date.parse('2026-11-25T10:00:00Z');
const routedAtIso = new Date(routedAt).toISOString();
const now = () => new Date(routedAt + 2 * 86_400_000);

let dynamodb: DynamoDbLocal;
let history: DynamoHistoryStore;
let paths: DynamoAlertPathStore;
let documents: DynamoDBDocumentClient;
let tableName: string;

beforeAll(async () => {
  dynamodb = await startDynamoDbLocal({ port: await freePort() });
  // The history table exactly as infra/resources.yml declares it.
  const definition = loadServiceDefinition(fileURLToPath(new URL('../../serverless.yml', import.meta.url)), { stage: `t${process.pid}`, region });
  const table = definition.resources.HistoryTable!.Properties;
  tableName = table.TableName!;
  const client = new DynamoDBClient({ endpoint: dynamodb.endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await client.send(
    new CreateTableCommand({
      TableName: table.TableName,
      BillingMode: table.BillingMode,
      AttributeDefinitions: table.AttributeDefinitions,
      KeySchema: table.KeySchema,
      GlobalSecondaryIndexes: table.GlobalSecondaryIndexes,
    }),
  );
  documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  history = new DynamoHistoryStore(documents, tableName, retentionSeconds, now);
  paths = new DynamoAlertPathStore(documents, tableName, retentionSeconds);
});

afterAll(async () => {
  await dynamodb?.stop();
});

/** A notification to global receiver `receiver`, `seconds` after the alert was routed, with a realistic rendered message. */
function aRecord(id: string, receiver: string, seconds: number, fingerprints: string[]): NotificationRecord {
  return aNotificationRecord(id, receiver, new Date(routedAt + seconds * 1000).toISOString(), fingerprints, {
    httpStatus: 200,
    message: `[FIRING:${fingerprints.length}] HighErrorRate\n${'a realistic rendered message '.repeat(40)}`,
  });
}

/** Records many notifications at once, the way delivery records each. */
async function recordAll(records: NotificationRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 50) await Promise.all(records.slice(i, i + 50).map((record) => history.record('acme', record)));
}

/** Notifications of other alerts to the same receiver, one every ten seconds from `firstSecond`. */
const othersTo = (receiver: string, count: number, firstSecond: number, tag: string) =>
  Array.from({ length: count }, (_, i) => aRecord(`${tag}-${i}`, receiver, firstSecond + 10 * i, [`other-${tag}-${i}`, `other-${tag}-${i}-b`]));

const notifiedSteps = (items: AlertPathEntry[]) =>
  items.filter((entry): entry is Extract<AlertPathEntry, { stage: 'notified' }> => entry.stage === 'notified');

describe('alertPath against the history table', () => {
  it('finds the notification that carried the alert when the receiver sent 120 others after it', async () => {
    // Prepare
    await paths.record('acme', [aRoutedEntry('fp-busy', ['ops'], routedAtIso)]);
    await recordAll([aRecord('n-alert', 'ops', 30, ['fp-busy', 'fp-neighbour']), ...othersTo('ops', 120, 40, 'busy')]);

    // Act
    const path = await alertPath('acme', 'fp-busy', { limit: 50 }, { paths, history });

    // Assess
    expect(notifiedSteps(path.items)).toEqual([expect.objectContaining({ notificationId: 'n-alert', receiver: 'ops', channel: 'webhook', status: 'sent' })]);
    expect(path.items.map((entry) => entry.stage)).toEqual(['notified', 'routed']);
  });

  it('finds every notification that carried the alert, newest first, across pages of the receiver history', async () => {
    // Prepare: firing, then 1,500 others (more than one page), then resolved, then 40 more.
    await paths.record('acme', [aRoutedEntry('fp-paged', ['paged'], routedAtIso)]);
    await recordAll([
      aRecord('n-firing', 'paged', 30, ['fp-paged']),
      ...othersTo('paged', 1500, 40, 'paged'),
      aRecord('n-resolved', 'paged', 15_045, ['fp-paged']),
      ...othersTo('paged', 40, 15_050, 'paged-late'),
    ]);

    // Act
    const path = await alertPath('acme', 'fp-paged', { limit: 50 }, { paths, history });

    // Assess
    expect(notifiedSteps(path.items).map((step) => step.notificationId)).toEqual(['n-resolved', 'n-firing']);
  });

  it('looks only in the history of the receivers the alert was routed to', async () => {
    // Prepare
    await paths.record('acme', [aRoutedEntry('fp-scoped', ['ops-scoped'], routedAtIso)]);
    await recordAll([aRecord('n-scoped', 'ops-scoped', 30, ['fp-scoped']), aRecord('n-elsewhere', 'other-scoped', 30, ['fp-scoped']), ...othersTo('ops-scoped', 60, 40, 'scoped')]);

    // Act
    const path = await alertPath('acme', 'fp-scoped', { limit: 50 }, { paths, history });

    // Assess
    expect(notifiedSteps(path.items).map((step) => step.notificationId)).toEqual(['n-scoped']);
  });
});

describe('DynamoHistoryStore compact records', () => {
  it('finds a notification by one of its Alertmanager fingerprints and returns the record as recorded', async () => {
    // Prepare: real fingerprints (16 hex digits) are stored packed, the message compressed.
    const carried = ['00a1b2c3d4e5f607', 'ffeeddccbbaa9988', '0123456789abcdef'];
    const record = aRecord('n-hex', 'hex', 30, carried);
    await recordAll([record, aRecord('n-hex-other', 'hex', 40, ['1111111111111111'])]);

    // Act
    const found = await history.list('acme', { receiver: 'hex', fingerprint: 'ffeeddccbbaa9988', limit: 100 });
    const missing = await history.list('acme', { receiver: 'hex', fingerprint: 'ffeeddccbbaa9989', limit: 100 });

    // Assess
    expect(found.items).toEqual([{ ...record, fingerprints: [...carried].sort() }]);
    expect(missing.items).toEqual([]);
  });
});

/** DynamoDB's item size: attribute names plus their values (a binary set counts each value). */
function itemBytes(item: Record<string, unknown>): number {
  const size = (value: unknown): number =>
    value instanceof Uint8Array ? value.length : value instanceof Set ? [...value].reduce((sum: number, v) => sum + size(v), 0) : String(value).length;
  return Object.entries(item).reduce((sum, [name, value]) => sum + name.length + size(value), 0);
}

/** A 16-hex-digit fingerprint, as Alertmanager makes them. */
const hexFingerprint = (n: number) => n.toString(16).padStart(16, 'a');

describe('DynamoAlertPathStore: steps written per batch', () => {
  it('writes the routing steps of a batch of 50 alerts naming ten receivers as at most four items, about a tenth of a write unit per alert', async () => {
    // Prepare
    const receivers = Array.from({ length: 10 }, (_, i) => `receiver-number-${i}`);
    const steps = Array.from({ length: 50 }, (_, i) => aRoutedEntry(hexFingerprint(1000 + i), receivers, routedAtIso, { receivedAt: routedAtIso }));

    // Act
    await paths.record('storm', steps);

    // Assess: one item per shard, each billed per started KB.
    const items = (
      await Promise.all(
        [0, 1, 2, 3].map((shard) =>
          documents.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `TRAIL#storm#${shard}` } })),
        ),
      )
    ).flatMap((page) => page.Items ?? []);
    expect(items.length).toBeLessThanOrEqual(4);
    const writeUnits = items.reduce((sum, item) => sum + Math.ceil(itemBytes(item) / 1024), 0);
    expect(writeUnits / steps.length).toBeLessThanOrEqual(0.12);
    for (const step of [steps[0]!, steps[49]!]) expect((await paths.list('storm', step.fingerprint, { limit: 10 })).items).toEqual([step]);
  });

  it('answers for one alert among many batches, newest first, page by page with a cursor', async () => {
    // Prepare: the alert in three batches, each with 30 others (same shard or not).
    const asked = hexFingerprint(0xbeef0);
    for (let batch = 0; batch < 3; batch++) {
      const at = new Date(routedAt + batch * 60_000).toISOString();
      const others = Array.from({ length: 30 }, (_, i) => aRoutedEntry(hexFingerprint(0x10000 * (batch + 1) + i * 4), ['ops'], at));
      await paths.record('paged-trail', [...others.slice(0, 15), aRoutedEntry(asked, [`ops-${batch}`], at), ...others.slice(15)]);
    }

    // Act
    const first = await paths.list('paged-trail', asked, { limit: 2 });
    const rest = await paths.list('paged-trail', asked, { limit: 2, cursor: first.cursor! });

    // Assess
    const receiversOf = (items: AlertPathEntry[]) => items.map((step) => (step.stage === 'routed' ? step.receivers[0]!.receiver : step.stage));
    expect(receiversOf(first.items)).toEqual(['ops-2', 'ops-1']);
    expect(receiversOf(rest.items)).toEqual(['ops-0']);
    expect(rest.cursor).toBeUndefined();
    await expect(paths.list('other-account', asked, { limit: 2, cursor: first.cursor! })).rejects.toThrow(/cursor/);
  });

  it('still shows the steps recorded one item per alert before steps were batched', async () => {
    // Prepare: an item as versions before 2026-12-03 wrote it, and a newer batched step.
    const old = aRoutedEntry('fp-legacy', ['ops'], routedAtIso);
    await documents.send(
      new PutCommand({ TableName: tableName, Item: { pk: 'ALERT#acme#fp-legacy', sk: `${routedAtIso}#routed#0`, entry: gzipSync(JSON.stringify(old)) } }),
    );
    const newer = aRoutedEntry('fp-legacy', ['ops', 'oncall'], new Date(routedAt + 60_000).toISOString());
    await paths.record('acme', [newer]);

    // Act
    const { items } = await paths.list('acme', 'fp-legacy', { limit: 10 });

    // Assess
    expect(items).toEqual([newer, old]);
  });
});
