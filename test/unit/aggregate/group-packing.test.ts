import { describe, expect, it } from 'vitest';
import { packGroup, unpackGroup } from '../../../lib/aggregate/group-packing.js';
import type { StoredGroup } from '../../../lib/aggregate/group-store.js';
import { GroupSimulator, MINUTE, SECOND, T0, firingAlert, podAlert, resolvedAlert } from './builders.js';

describe('packGroup / unpackGroup', () => {
  it('gives back every state and outbox of a group through firing, new alerts, a mute, a changed annotation and resolutions', () => {
    // Prepare: record the stored group (state + outbox) at every flush.
    const sim = new GroupSimulator({ groupBy: ['alertname'], sendResolved: true });
    const stored: StoredGroup[] = [];
    sim.onFlush = (_before, result, at) => {
      const payload = result.notification?.payload;
      stored.push({
        state: result.state,
        options: sim.options,
        receiver: { accountId: 'acme', name: 'ops' },
        outbox: {
          scheduledFor: at,
          nextFlushAt: result.nextFlushAt,
          ...(payload === undefined
            ? {}
            : {
                notification: {
                  type: 'notification',
                  id: result.notification!.id,
                  createdAt: new Date(at).toISOString(),
                  receiver: { accountId: 'acme', name: 'ops' },
                  groupKey: payload.groupKey,
                  status: payload.status,
                  groupLabels: payload.groupLabels,
                  commonLabels: payload.commonLabels,
                  commonAnnotations: payload.commonAnnotations,
                  truncatedAlerts: payload.truncatedAlerts,
                  alerts: payload.alerts,
                },
              }),
        },
      });
    };
    const pods = Array.from({ length: 12 }, (_, i) => podAlert(`p${i}`));
    sim.mutes = (alert) => (alert.labels.pod === 'p3' ? { kind: 'silence', silenceIds: ['s1'] } : undefined);

    // Act
    sim.ingest(T0, pods.slice(0, 8).map((labels) => firingAlert(labels)));
    sim.ingest(T0 + MINUTE, pods.slice(8).map((labels) => firingAlert(labels, { annotations: { summary: 'late' } })));
    sim.ingest(T0 + 6 * MINUTE, [firingAlert(pods[0]!, { annotations: { summary: 'changed' } })]);
    sim.ingest(T0 + 12 * MINUTE, [resolvedAlert(pods[1]!, { endsAt: T0 + 12 * MINUTE }), resolvedAlert(pods[3]!, { endsAt: T0 + 12 * MINUTE })]);
    sim.advanceTo(T0 + 30 * MINUTE + 30 * SECOND);

    // Assess: several flushes, each one read back exactly through JSON, as the store writes it.
    expect(stored.length).toBeGreaterThanOrEqual(3);
    expect(stored.some((group) => group.state.nflog !== null && group.state.nflog.firing.length > 0)).toBe(true);
    for (const group of stored) expect(unpackGroup(JSON.parse(JSON.stringify(packGroup(group))))).toEqual(group);
  });

  it('reads a group stored before packing as it is', () => {
    // Prepare: an unpacked group straight from a flush, as earlier versions stored it.
    const sim = new GroupSimulator({ groupBy: ['alertname'] });
    sim.ingest(T0, [firingAlert(podAlert('a')), firingAlert(podAlert('b'))]);
    sim.advanceTo(T0 + 30 * SECOND);
    const legacy: StoredGroup = { state: sim.state, options: sim.options, receiver: { accountId: 'acme', name: 'ops' } };

    // Act
    const read = unpackGroup(JSON.parse(JSON.stringify(legacy)));

    // Assess
    expect(read).toEqual(legacy);
  });
});
