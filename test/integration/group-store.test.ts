import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import type { StoredGroup } from '../../lib/aggregate/group-store.js';
import type { GroupedAlert } from '../../lib/aggregate/group-state.js';
import { buildNotificationPayload } from '../../lib/aggregate/notification.js';
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
    outbox: { scheduledFor: outboxFor, nextFlushAt: outboxFor + 60_000 },
  };
}

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
    const payload = buildNotificationPayload({ group: group.state.group, firing, resolved: [resolved], maxAlerts: 0 });
    payload.alerts[1] = { ...payload.alerts[1]!, annotations: { summary: 'changed since the flush' } };
    const notification = aNotification({ id: 'n-packed', alerts: payload.alerts, groupKey: payload.groupKey });
    const withOutbox: StoredGroup = { ...group, outbox: { scheduledFor: 1000, nextFlushAt: 61_000, notification } };

    // Act
    await store.put(withOutbox, undefined);

    // Assess: read back as written; the outbox adds a small part of what a copy of its alerts would.
    expect(await store.get('packed')).toEqual(withOutbox);
    await store.put({ ...withOutbox, state: { ...withOutbox.state, group: { ...withOutbox.state.group, id: 'state-only' } }, outbox: undefined }, undefined);
    const bytesOf = async (id: string) => ((await client.send(new GetCommand({ TableName: table, Key: { pk: `GROUP#${id}`, sk: 'STATE' } }))).Item!.packed as Uint8Array).length;
    const outboxBytes = (await bytesOf('packed')) - (await bytesOf('state-only'));
    expect(outboxBytes).toBeLessThan(gzipSync(JSON.stringify(notification.alerts)).length / 3);
  });
});
