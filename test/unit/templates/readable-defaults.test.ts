import { describe, expect, it } from 'vitest';
import { ZERO_TIME } from '../../../lib/alert/alert.js';
import type { TemplateKind } from '../../../lib/notify/channel.js';
import { dingTalkChannel } from '../../../lib/notify/channels/dingtalk.js';
import type { NotificationMessage } from '../../../lib/pipeline/messages.js';
import { createRenderer } from '../../../lib/templates/index.js';
import { anAlert, aNotification } from '../../helpers/builders.js';
import { json, provider, testContext } from '../notify/channels/chat-support.js';

const now = () => new Date('2026-11-25T10:05:00Z');
const renderer = createRenderer({ now });

/** The sample tidings sends for `POST …/receivers/{name}/test`: no cluster label. */
function aTestSendNotification(): NotificationMessage {
  const labels = { alertname: 'TidingsTestNotification', severity: 'info' };
  const annotations = { summary: 'This is a test notification from tidings.' };
  return aNotification({
    groupLabels: { alertname: 'TidingsTestNotification' },
    commonLabels: labels,
    commonAnnotations: annotations,
    alerts: [anAlert({ labels, annotations, startsAt: '2026-11-25T10:05:00Z', endsAt: ZERO_TIME })],
  });
}

/** A script's resolve (`POST …/alerts` with status resolved and no times): start and end are the moment it arrived. */
function aResolveWithoutStart(): NotificationMessage {
  const alert = anAlert({ status: 'resolved', startsAt: '2026-11-25T10:04:00Z', endsAt: '2026-11-25T10:04:00Z' });
  return aNotification({ status: 'resolved', alerts: [alert] });
}

const textKinds: TemplateKind[] = ['text', 'markdown'];

describe('the default templates', () => {
  it.each(textKinds)('show runbook_url (%s)', (kind) => {
    const alert = anAlert({ annotations: { summary: 'error rate above 5%', runbook_url: 'https://runbooks.example/high-error-rate' } });

    const output = renderer.render(kind, aNotification({ alerts: [alert] }));

    expect(output).toContain('https://runbooks.example/high-error-rate');
    expect(output).toContain('Runbook');
  });

  it('link runbook_url in HTML', () => {
    const alert = anAlert({ annotations: { summary: 'x', runbook_url: 'https://runbooks.example/a' } });
    expect(renderer.render('html', aNotification({ alerts: [alert] }))).toContain('<a href="https://runbooks.example/a">');
  });

  it.each(textKinds)('leave out the cluster line of a test-send, which has no cluster (%s)', (kind) => {
    const output = renderer.render(kind, aTestSendNotification());

    expect(output).not.toMatch(/Cluster/);
    // Every line that names a field has a value after it.
    expect(output).not.toMatch(/:\s*$/m);
  });

  it('show the namespace alone when an alert has a namespace but no cluster', () => {
    const alert = anAlert({ labels: { alertname: 'A', namespace: 'shop' } });
    expect(renderer.render('text', aNotification({ alerts: [alert] }))).toMatch(/^Namespace: shop$/m);
  });

  it.each(textKinds)('show only the end of a resolved alert whose start is not known (%s)', (kind) => {
    const output = renderer.render(kind, aResolveWithoutStart());

    expect(output).not.toContain('Started');
    expect(output).toMatch(/Ended: 2026-11-25 10:04:00 UTC$/m);
  });

  it('still show start and end of a resolved alert with both', () => {
    const alert = anAlert({ status: 'resolved', startsAt: '2026-11-25T09:00:00Z', endsAt: '2026-11-25T10:04:00Z' });
    const output = renderer.render('text', aNotification({ status: 'resolved', alerts: [alert] }));
    expect(output).toMatch(/^Started: 2026-11-25 09:00:00 UTC · Ended: 2026-11-25 10:04:00 UTC$/m);
  });
});

describe('a custom template that renders nothing', () => {
  it('falls back to the built-in one, and says so', () => {
    // Prepare: a title over a label this alert does not have.
    const failures: string[] = [];
    const custom = createRenderer({ now, templates: { title: '{{commonLabels.service}}' }, onFallback: (f) => failures.push(f.reason) });

    // Act
    const title = custom.render('title', aNotification());

    // Assess
    expect(title).toBe('[FIRING:1] HighErrorRate · prod-eu');
    expect(failures).toEqual(['custom title template rendered nothing; used the built-in one']);
  });

  it('gives DingTalk a title, not an empty one', async () => {
    const dingtalk = await provider(() => json(200, { errcode: 0, errmsg: 'ok' }));
    const context = testContext({ renderer: createRenderer({ now, templates: { title: '   ' } }) });

    await dingTalkChannel.send(dingTalkChannel.settingsSchema.parse({ accessToken: 'a1b2c3', apiBaseUrl: dingtalk.url }), aNotification(), context);

    expect(dingtalk.requests[0]!.json().markdown.title).toBe('[FIRING:1] HighErrorRate · prod-eu');
  });
});
