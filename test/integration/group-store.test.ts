import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import type { StoredGroup } from '../../lib/aggregate/group-store.js';
import type { GroupedAlert } from '../../lib/aggregate/group-state.js';
import { buildWebhookPayload } from '../../lib/aggregate/notification.js';
import { aNotification } from '../helpers/builders.js';
import { resolveGroupingOptions } from '../../lib/aggregate/grouping-options.js';
import { DynamoGroupStore } from '../../lib/aws/dynamo-group-store.js';
import { aKeyValueTable } from '../helpers/key-value-table.js';

let table: string;
let client: DynamoDBDocumentClient;
let store: DynamoGroupStore;

beforeAll(async () => {
  ({ table, client } = await aKeyValueTable('state'));
  store = new DynamoGroupStore(client, table);
});

function aGroup(id: string, version: number, outboxFor: number): StoredGroup {
  return {
    state: {
      schema: 1,
      version,
      group: { id, key: `{}:{alertname="${id}"}`, receiver: 'ops', routeKey: '{}', labels: { alertname: id } },
      createdAt: 0,
      lastFlushAt: outboxFor,
      nextFlushAt: outboxFor + 60_000,
      expiresAt: null,
      alerts: {},
      tombstones: {},
      nflog: null,
    },
    options: resolveGroupingOptions({}),
    receiver: { accountId: 'acme', name: 'ops' },
    outbox: { scheduledFor: outboxFor, nextFlushAt: outboxFor + 60_000, dispatched: false },
  };
}

describe('DynamoGroupStore.markDispatched', () => {
  it('marks the outbox dispatched without rewriting the stored state, and the mark survives a later write that carries the outbox', async () => {
    await store.put(aGroup('g1', 1, 1000), undefined);
    const before = (await client.send(new GetCommand({ TableName: table, Key: { pk: 'GROUP#g1', sk: 'STATE' } }))).Item!;

    await store.markDispatched('g1', 1000);

    const after = (await client.send(new GetCommand({ TableName: table, Key: { pk: 'GROUP#g1', sk: 'STATE' } }))).Item!;
    expect(Buffer.from(after.body as Uint8Array).equals(Buffer.from(before.body as Uint8Array))).toBe(true);
    const read = await store.get('g1');
    expect(read!.outbox!.dispatched).toBe(true);
    // An ingest writes the state again with the outbox it read.
    await store.put({ ...read!, state: { ...read!.state, version: 2 } }, 1);
    expect((await store.get('g1'))!.outbox!.dispatched).toBe(true);
  });

  it('leaves a newer flush\'s outbox undispatched when a late mark for an older flush arrives', async () => {
    await store.put(aGroup('g2', 1, 1000), undefined);
    await store.put(aGroup('g2', 2, 2000), 1);

    await store.markDispatched('g2', 1000);

    expect((await store.get('g2'))!.outbox).toMatchObject({ scheduledFor: 2000, dispatched: false });
  });

  it('keeps the newest flush marked when a mark for an older flush arrives after it', async () => {
    await store.put(aGroup('g3', 1, 1000), undefined);
    await store.put(aGroup('g3', 2, 2000), 1);

    await store.markDispatched('g3', 2000);
    await store.markDispatched('g3', 1000);

    expect((await store.get('g3'))!.outbox).toMatchObject({ scheduledFor: 2000, dispatched: true });
  });
});

describe('DynamoGroupStore outbox', () => {
  it('stores a flush\'s notification by naming the firing alerts the state holds, and reads it back exactly as written', async () => {
    // Prepare: 100 firing alerts in the state, all in the message; one of them changed since (annotation); one resolved, gone from the state.
    const firing = Array.from({ length: 100 }, (_, i): GroupedAlert => ({
      fingerprint: i.toString(16).padStart(16, '0'),
      status: 'firing',
      labels: { alertname: 'DiskFull', instance: `node-${i}:9100`, job: 'node', severity: 'warning' },
      annotations: { summary: `Disk on node-${i} is 95% full`, runbook_url: 'https://runbooks.example/disk' },
      startsAt: '2026-12-02T10:00:00.000Z',
      endsAt: '2026-12-02T10:05:00.000Z',
      generatorURL: 'http://prometheus:9090/graph',
      updatedAt: '2026-12-02T10:00:01.000Z',
    }));
    const resolved: GroupedAlert = { ...firing[0]!, fingerprint: 'ffffffffffffffff', status: 'resolved', labels: { alertname: 'DiskFull', instance: 'gone:9100' } };
    const base = aGroup('packed', 1, 1000);
    const group: StoredGroup = { ...base, state: { ...base.state, alerts: Object.fromEntries(firing.map((alert) => [alert.fingerprint, alert])) } };
    const payload = buildWebhookPayload({ group: group.state.group, firing, resolved: [resolved], maxAlerts: 0, externalURL: 'http://tidings' });
    payload.alerts[1] = { ...payload.alerts[1]!, annotations: { summary: 'changed since the flush' } };
    const notification = aNotification({ id: 'n-packed', alerts: payload.alerts, groupKey: payload.groupKey });
    const withOutbox: StoredGroup = { ...group, outbox: { scheduledFor: 1000, nextFlushAt: 61_000, dispatched: false, notification } };

    // Act
    await store.put(withOutbox, undefined);

    // Assess: read back as written; the item is hardly larger than the state alone.
    expect(await store.get('packed')).toEqual(withOutbox);
    const stored = (await client.send(new GetCommand({ TableName: table, Key: { pk: 'GROUP#packed', sk: 'STATE' } }))).Item!;
    const stateOnly = gzipSync(JSON.stringify(group)).length;
    const copied = gzipSync(JSON.stringify(withOutbox)).length;
    expect((stored.body as Uint8Array).length - stateOnly).toBeLessThan((copied - stateOnly) / 2);
  });
});
