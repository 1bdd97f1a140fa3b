import { describe, expect, it } from 'vitest';
import { teamsChannel } from '../../../../lib/notify/channels/teams.js';
import { aLargeNotification, aMetricNotification } from '../../templates/sample-notifications.js';
import { failure, provider, testContext } from './chat-support.js';

const PATH = '/workflows/abc123/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SIGNATURE0123456789';

describe('teamsChannel', () => {
  it('posts a message with an Adaptive Card attachment, as the Workflows trigger expects', async () => {
    const teams = await provider(() => ({ status: 202 }));
    const outcome = await teamsChannel.send(teamsChannel.settingsSchema.parse({ webhookUrl: `${teams.url}${PATH}` }), aMetricNotification(), testContext());

    expect(outcome.statusCode).toBe(202);
    const request = teams.requests[0]!;
    expect(request.path).toBe(PATH);
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    const body = request.json();
    expect(body.type).toBe('message');
    expect(body.attachments).toHaveLength(1);
    const attachment = body.attachments[0];
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment.content.type).toBe('AdaptiveCard');
    expect(Number(attachment.content.version)).toBeGreaterThanOrEqual(1.4);
    expect(attachment.content.body[0]).toMatchObject({ type: 'TextBlock', text: '[FIRING:2] KubePodCrashLooping · prod-eu', color: 'Attention', wrap: true });
    expect(attachment.content.body[1].text).toContain('Pod shop/web-1 is crash looping');
    expect(attachment.content.actions[0]).toEqual({ type: 'Action.OpenUrl', title: 'tidings', url: 'https://tidings.example' });
  });

  it('stays under the 28 KB message limit', async () => {
    const teams = await provider((request) => (Buffer.byteLength(request.body) > 28 * 1024 ? { status: 413 } : { status: 202 }));
    await expect(
      teamsChannel.send(teamsChannel.settingsSchema.parse({ webhookUrl: `${teams.url}/hook` }), aLargeNotification(300), testContext()),
    ).resolves.toEqual({ statusCode: 202 });
    expect(teams.requests[0]!.body).toMatch(/and \d+ more alerts not shown/);
  });

  it('retries 429 and not 400', async () => {
    let status = 429;
    const teams = await provider(() => ({ status, body: 'busy' }));
    const settings = teamsChannel.settingsSchema.parse({ webhookUrl: `${teams.url}/hook` });
    expect((await failure(teamsChannel.send(settings, aMetricNotification(), testContext()))).retryable).toBe(true);
    status = 400;
    expect((await failure(teamsChannel.send(settings, aMetricNotification(), testContext()))).retryable).toBe(false);
  });

  it('redacts the webhook signature', () => {
    expect(JSON.stringify(teamsChannel.redact(teamsChannel.settingsSchema.parse({ webhookUrl: `https://prod.westus.logic.azure.com${PATH}` })))).not.toContain('SIGNATURE');
  });
});
