import { describe, expect, it } from 'vitest';
import { toAlertmanagerPayload } from '../../../lib/notify/notification.js';
import { notificationMessageSchema, parseMessage } from '../../../lib/pipeline/messages.js';

/** A delivery message as the aggregate workers before the one payload type wrote it (field for field, in their order). */
const WRITTEN_BEFORE =
  '{"type":"notification","id":"4f0c","createdAt":"2026-12-02T10:00:31.000Z","receiver":{"accountId":"acme","tenantId":"team-a","name":"ops","incarnation":"2026-11-01T00:00:00.000Z/aaaaaaaa"},' +
  '"reason":"new alerts","groupKey":"{}:{alertname=\\"DiskFull\\"}","status":"firing","groupLabels":{"alertname":"DiskFull"},"commonLabels":{"alertname":"DiskFull"},"commonAnnotations":{},"truncatedAlerts":2,' +
  '"alerts":[{"status":"firing","labels":{"alertname":"DiskFull","instance":"db-0"},"annotations":{"summary":"95% full"},"startsAt":"2026-12-02T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus/graph","fingerprint":"2f1b6c3a9e8d7f60"},' +
  '{"status":"resolved","labels":{"alertname":"DiskFull","instance":"db-1"},"annotations":{},"startsAt":"2026-12-02T09:00:00Z","endsAt":"2026-12-02T09:59:00Z","generatorURL":"","fingerprint":"0a1b2c3d4e5f6071"}]}';

describe('the delivery message', () => {
  it('reads a message written before the one payload type and posts the webhook body Alertmanager would, byte for byte', () => {
    // Act
    const message = parseMessage(notificationMessageSchema, WRITTEN_BEFORE);
    const body = JSON.stringify(toAlertmanagerPayload(message, 'https://tidings.example'));

    // Assess
    const written = JSON.parse(WRITTEN_BEFORE);
    expect(message.receiver).toEqual(written.receiver);
    expect(message.reason).toBe('new alerts');
    expect(body).toBe(
      JSON.stringify({
        version: '4',
        groupKey: written.groupKey,
        truncatedAlerts: 2,
        status: 'firing',
        receiver: 'ops',
        groupLabels: written.groupLabels,
        commonLabels: written.commonLabels,
        commonAnnotations: {},
        externalURL: 'https://tidings.example',
        alerts: written.alerts,
      }),
    );
  });

  it('keeps its fields on the wire: the schema knows exactly the fields older workers read and write', () => {
    const message = notificationMessageSchema.parse(JSON.parse(WRITTEN_BEFORE));

    expect(Object.keys(message).sort()).toEqual(Object.keys(JSON.parse(WRITTEN_BEFORE)).sort());
    expect(Object.keys(notificationMessageSchema.shape).sort()).toEqual(Object.keys(JSON.parse(WRITTEN_BEFORE)).sort());
  });
});
