import type { Browser } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { chromiumExecutable, consolePages, launchChromium } from '../helpers/browser.js';
import { HOSTILE_SUMMARY, seedConsoleAccount } from '../helpers/console-fixtures.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { adminClient, startTestStack, TEST_ADMIN_KEY } from '../helpers/local-stack.js';
import { anAlertmanagerAlert, anAlertmanagerWebhook } from '../helpers/builders.js';
import { ingestedFingerprint, settledPath } from '../helpers/pipeline-signals.js';

const executable = chromiumExecutable();
const skipped = executable === undefined ? ' (skipped: no chromium; `apt-get install chromium`, or set TIDINGS_CHROMIUM)' : '';

let stack: LocalStack;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
let browser: Browser;
let account: Awaited<ReturnType<typeof seedConsoleAccount>>;
const pages = consolePages(() => browser, () => `${stack.httpUrl}/console`);
const aPage = pages.open;

async function postAlert(labels: Record<string, string>): Promise<void> {
  const response = await fetch(`${stack.httpUrl}/ingest/${account.cluster.id}/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${account.cluster.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(anAlertmanagerWebhook([anAlertmanagerAlert({ labels, startsAt: new Date().toISOString() })])),
  });
  expect(response.status).toBe(200);
}

const signIn = pages.signIn;

describe.skipIf(executable === undefined)(`the web console in Chromium${skipped}`, () => {
  beforeAll(async () => {
    receiver = await startHttpReceiver();
    [stack, browser] = await Promise.all([startTestStack(), launchChromium(executable!)]);
    account = await seedConsoleAccount(stack, 'acme', receiver.url);
  }, 120_000);

  afterAll(async () => {
    await pages.closeAll();
    await browser?.close();
    await stack?.stop();
    await receiver?.close();
  });

  it('serves one page whose only script is its own file, under a strict Content-Security-Policy', async () => {
    // Act
    const page = await fetch(`${stack.httpUrl}/console`);
    const html = await page.text();
    const scriptPath = /<script type="module" src="([^"]+)"><\/script>/.exec(html)?.[1];
    const script = await fetch(`${stack.httpUrl}${scriptPath}`);

    // Assess
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(script.headers.get('cache-control')).toContain('immutable');
    // With a trailing slash, as a browser may complete the address: the same page.
    const withSlash = await fetch(`${stack.httpUrl}/console/`);
    expect(withSlash.status).toBe(200);
    expect(await withSlash.text()).toBe(html);
    expect((await fetch(`${stack.httpUrl}/console/assets/..%2Fmanifest.json`)).status).toBe(404);
    expect((await fetch(`${stack.httpUrl}/console/assets/nothing.js`)).status).toBe(404);
  });

  it("shows a tenant its firing alerts grouped by alertname, with an annotation's HTML as text", async () => {
    // Prepare
    const page = await aPage();

    // Act
    await signIn(page, account.keyA);
    const errors = page.locator(`li.alert-row[data-fingerprint="${account.fingerprints.errors}"]`);
    await errors.waitFor();

    // Assess
    await expect(page.locator('article.group header').allTextContents()).resolves.toEqual([
      expect.stringContaining('alertname="DiskAlmostFull"'),
      expect.stringContaining('alertname="HighErrorRate"'),
    ]);
    // Grouped under the receiver routing sends them to, as Alertmanager's dispatcher groups them.
    expect(await page.locator('article.group header .receiver').allTextContents()).toEqual(['a-hook', 'a-hook']);
    expect(await errors.locator('.summary').textContent()).toBe(HOSTILE_SUMMARY);
    expect(await page.locator('main img, main b').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    // team-b's alert is not the tenant's to see.
    expect(await page.locator(`li.alert-row[data-fingerprint="${account.fingerprints.latency}"]`).count()).toBe(0);
    expect(await page.evaluate('sessionStorage.getItem("tidings.session")')).toContain(account.keyA);
    expect(page.url()).not.toContain(account.keyA.split('.').at(-1)!);
  });

  it('shows the API’s reason next to the filter when a matcher does not parse', async () => {
    // Prepare
    const page = await aPage();
    await signIn(page, account.keyA);

    // Act
    await page.getByLabel('Filter (matchers)').fill('alertname=~"("');
    await page.getByRole('button', { name: 'Refresh' }).click();

    // Assess
    await expect(page.locator('#filter-error').textContent()).resolves.toMatch(/\S/);
    expect(await page.locator('li.alert-row').count()).toBe(0);
  });

  it('silences an alert from its page with a preview, then shows it silenced, and reads its trail', async () => {
    // Prepare
    const page = await aPage();
    await signIn(page, account.keyA);
    await page.getByRole('link', { name: 'HighErrorRate' }).click();

    // Act: the trail first, as it stands before the silence
    await page.locator('ol.trail > li').first().waitFor();
    const stages = await page.locator('ol.trail > li').evaluateAll((items) => items.map((item) => item.getAttribute('data-stage')));
    const notified = await page.locator('li.step-notified').first().textContent();

    // Act: silence it from its page
    await page.getByRole('link', { name: 'Silence this alert…' }).click();
    await page.locator(`ul.preview li[data-fingerprint="${account.fingerprints.errors}"]`).waitFor();
    const matchers = await page.getByLabel('Matchers, one per line').inputValue();
    const preview = await page.locator('ul.preview > li').count();
    await page.getByLabel('Comment').fill('deploy in progress');
    await page.getByRole('button', { name: 'Create silence' }).click();
    await page.locator('.state .badge-silenced').waitFor();

    // Assess
    expect(stages).toEqual(expect.arrayContaining(['received', 'routed', 'notified']));
    expect(stages.indexOf('received')).toBeLessThan(stages.indexOf('notified'));
    expect(notified).toContain('a-hook');
    expect(notified).toContain('sent');
    expect(matchers.split('\n')).toEqual(expect.arrayContaining(['alertname="HighErrorRate"', 'namespace="shop"', 'cluster="prod-eu"']));
    expect(preview).toBe(1);
    expect(await page.locator('.state').textContent()).toContain('Silenced by');
    const silences = await fetch(`${stack.httpUrl}/v1/accounts/acme/tenants/team-a/silences`, { headers: { authorization: `Bearer ${account.keyA}` } });
    const [silence] = ((await silences.json()) as { items: Array<{ id: string; comment: string; status: { state: string } }> }).items;
    expect(silence).toMatchObject({ comment: 'deploy in progress', status: { state: 'active' } });
    expect(await page.locator('.state a').first().textContent()).toContain(silence!.id);

    // The alerts page marks it silenced too, and the other alert stays active.
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.locator(`li.alert-row[data-fingerprint="${account.fingerprints.errors}"] .badge-silenced`).waitFor();
    expect(await page.locator(`li.alert-row[data-fingerprint="${account.fingerprints.disk}"] .badge`).textContent()).toBe('active');

    // Expired from the silences page, the alert is active again.
    await page.getByRole('link', { name: 'Silences' }).click();
    await page.locator(`li.silence[data-silence-id="${silence!.id}"]`).getByRole('button', { name: 'Expire' }).click();
    await page.locator(`li.silence[data-silence-id="${silence!.id}"][data-state="expired"]`).waitFor();
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.locator(`li.alert-row[data-fingerprint="${account.fingerprints.errors}"] .badge-active`).waitFor();
  });

  it('creates a recurring silence in a time zone, after the API refuses an unknown zone, and edits it', async () => {
    // Prepare
    const page = await aPage();
    await signIn(page, account.keyA);
    await page.getByRole('link', { name: 'Silences' }).click();
    await page.getByRole('link', { name: 'New silence' }).click();

    // Act: a nightly window; first in a zone that does not exist
    await page.getByLabel('Matchers, one per line').fill('alertname="BackupRunning"');
    await page.getByLabel('Lasts').selectOption('recurring');
    await page.getByLabel('Starts (cron)').fill('0 2 * * *');
    await page.getByLabel('For (each time)').fill('2h');
    await page.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await page.getByLabel('Comment').fill('nightly backup');
    await page.getByRole('button', { name: 'Create silence' }).click();
    const zoneError = await page.locator('#time-zone-error').textContent();
    await page.getByLabel('Time zone').fill('Asia/Shanghai');
    await page.getByRole('button', { name: 'Create silence' }).click();
    const row = page.locator('li.silence.highlight');
    await row.waitFor();
    const created = await row.textContent();
    const id = (await row.getAttribute('data-silence-id'))!;

    // Act: edit its comment
    await row.getByRole('link', { name: 'Edit' }).click();
    await expect.poll(() => page.getByLabel('Comment').inputValue()).toBe('nightly backup');
    await page.getByLabel('Comment').fill('nightly backup, 02:00 Beijing time');
    await page.getByRole('button', { name: 'Save silence' }).click();
    await page.locator(`li.silence.highlight[data-silence-id="${id}"]`, { hasText: 'Beijing' }).waitFor();

    // Assess
    expect(zoneError).toContain('Mars/Olympus_Mons');
    expect(created).toContain('cron 0 2 * * * for 7200 s (Asia/Shanghai)');
    const stored = await fetch(`${stack.httpUrl}/v1/accounts/acme/tenants/team-a/silences/${id}`, { headers: { authorization: `Bearer ${account.keyA}` } });
    expect(await stored.json()).toMatchObject({ schedule: { cron: '0 2 * * *', durationSeconds: 7200, timeZone: 'Asia/Shanghai' }, comment: 'nightly backup, 02:00 Beijing time' });
  });

  it("does not open another tenant's pages with a tenant key, and the API refuses them too", async () => {
    // Prepare
    const page = await aPage();
    await signIn(page, account.keyA);
    const apiCalls: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/v1/')) apiCalls.push(new URL(request.url()).pathname);
    });

    // Act
    await page.goto(`${stack.httpUrl}/console#/tenants/team-b/alerts`);
    await page.getByRole('heading', { name: 'Not for this key' }).waitFor();
    const forbiddenTenant = await page.locator('.forbidden').textContent();
    await page.goto(`${stack.httpUrl}/console#/global/silences`);
    await page.getByRole('heading', { name: 'Not for this key' }).waitFor();
    const direct = await fetch(`${stack.httpUrl}/v1/accounts/acme/tenants/team-b/alertmanager/api/v2/alerts`, { headers: { authorization: `Bearer ${account.keyA}` } });

    // Assess
    expect(forbiddenTenant).toContain('team-b');
    expect(apiCalls.filter((path) => path.includes('/tenants/team-b') || !path.includes('/tenants/team-a'))).toEqual([]);
    expect(await page.locator('li.alert-row').count()).toBe(0);
    expect(direct.status).toBe(403);
  });

  it("lets the operator pick a tenant and see that tenant's alerts", async () => {
    // Prepare
    const page = await aPage();
    await signIn(page, TEST_ADMIN_KEY, 'acme');

    // Act
    await page.getByLabel('Showing').selectOption('team-b');
    await page.locator(`li.alert-row[data-fingerprint="${account.fingerprints.latency}"]`).waitFor();

    // Assess
    expect(await page.locator('li.alert-row').count()).toBe(1);
    expect(page.url()).toContain('#/tenants/team-b/alerts');
  });

  it('lists the notifications sent to the tenant, with the rendered message', async () => {
    // Prepare
    const page = await aPage();
    await signIn(page, account.keyA);

    // Act
    await page.getByRole('link', { name: 'Notifications' }).click();
    const rows = page.locator('li.notification');
    await rows.first().waitFor();

    // Assess
    const texts = await rows.allTextContents();
    expect(texts.some((text) => text.includes('a-hook') && text.includes('HighErrorRate'))).toBe(true);
    expect(texts.every((text) => !text.includes('b-hook'))).toBe(true);
    expect(await rows.first().getAttribute('data-status')).toBe('sent');
  });

  it('creates a receiver, showing the API’s messages by the fields, test-sends it, and finds its notification in history', async () => {
    // Prepare
    const page = await aPage();
    await signIn(page, account.keyA);
    await page.getByRole('link', { name: 'Receivers' }).click();
    await page.getByRole('link', { name: 'New receiver' }).click();

    // Act: each channel has its own settings form, from the API's schema of that channel
    await page.getByLabel('Channel', { exact: true }).selectOption('email-smtp');
    const smtpFields = await page.locator('fieldset.settings [name]').evaluateAll((inputs) => inputs.map((input) => `${input.getAttribute('name')}:${input.getAttribute('type') ?? input.tagName}`));
    await page.getByLabel('Channel', { exact: true }).selectOption('webhook');

    // Act: tries the API refuses, one field at a time (it checks the body's shape before the channel's settings)
    await page.getByLabel('Name', { exact: true }).fill('pager-hook');
    await page.locator('#setting-url').fill('not a url');
    await page.getByLabel('Group wait').fill('soon');
    await page.getByRole('button', { name: 'Save' }).click();
    const groupWaitError = await page.locator('#group-wait-error').textContent();
    await page.getByLabel('Group wait').fill('0s');
    await page.getByRole('button', { name: 'Save' }).click();
    const urlError = await page.locator('#setting-url-error').textContent();

    // Act: fixed, saved, test-sent
    await page.locator('#setting-url').fill(`${receiver.url}/pager`);
    await page.getByLabel('Group interval').fill('1s');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved (version 1).').waitFor();
    const savedAt = page.url();
    // The URL is the webhook's secret: the saved form shows it set, never its value.
    const urlAfterSave = await page.locator('#setting-url').inputValue();
    const urlHelp = await page.locator('#setting-url-help').textContent();
    await page.getByRole('button', { name: 'Send a test notification' }).click();
    await page.locator('.test-result[data-ok="true"]').waitFor();
    const testResult = await page.locator('.test-result').textContent();

    // Act: a real alert reaches the new receiver; its notification is in history
    const labels = { alertname: 'QueueBacklog', severity: 'warning', namespace: 'shop' };
    await postAlert(labels);
    await settledPath(adminClient(stack), 'acme', ingestedFingerprint(labels, 'prod-eu'));
    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.getByLabel('Receiver').fill('pager-hook');
    await page.getByRole('button', { name: 'Apply' }).click();
    // The unfiltered list shows until the filtered one arrives: wait for the filtered one.
    const rowsShown = () => page.locator('li.notification').allTextContents();
    await expect.poll(async () => (await rowsShown()).some((row) => row.includes('QueueBacklog')) && (await rowsShown()).every((row) => row.includes('pager-hook'))).toBe(true);

    // Assess
    expect(smtpFields).toEqual(
      expect.arrayContaining(['host:text', 'port:text', 'secure:checkbox', 'auth.user:password', 'auth.password:password', 'to:TEXTAREA']),
    );
    expect(urlError).toBe('must be an http(s) URL');
    expect(urlAfterSave).toBe('');
    expect(urlHelp).toContain('<redacted>');
    expect(await page.locator('main').textContent()).not.toContain(`${receiver.url}/pager`);
    expect(groupWaitError).toContain('"soon" is not a duration');
    expect(savedAt).toContain('#/tenants/team-a/receivers/pager-hook');
    expect(testResult).toContain('HTTP 200');
    const toPager = receiver.requests.filter((request) => request.path === '/pager');
    expect(toPager.map((request) => request.json().commonLabels.alertname)).toEqual(['TidingsTestNotification', 'QueueBacklog']);
    expect(await rowsShown()).toEqual([expect.stringContaining('QueueBacklog')]);
  });

  it('edits a receiver with a secret header without typing it again: saved with the grouping changed, refused by the header when the URL changes, and test-send carries it', async () => {
    // Prepare
    const token = 'Bearer kept-header-0461';
    const path = '/v1/accounts/acme/tenants/team-a/receivers/kept-hook';
    expect((await adminClient(stack).call('PUT', path, { channel: 'webhook', settings: { url: `${receiver.url}/kept`, headers: { authorization: token } } })).status).toBe(201);
    const page = await aPage();
    await signIn(page, account.keyA);
    await page.goto(`${stack.httpUrl}/console#/tenants/team-a/receivers/kept-hook`);
    const headersShown = await page.locator('#setting-headers').inputValue();
    const urlHelp = await page.locator('#setting-url-help').textContent();

    // Act: the grouping changed and the URL typed anew, while the header is kept: the API refuses, by the header
    await page.getByLabel('Group by (labels, comma-separated)').fill('alertname, service');
    await page.locator('#setting-url').fill(`${receiver.url}/elsewhere`);
    await page.getByRole('button', { name: 'Save' }).click();
    const refusal = await page.locator('#setting-headers-error').textContent();

    // Act: the URL left empty again (kept too), saved without any secret typed, test-sent
    await page.locator('#setting-url').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved (version 2).').waitFor();
    const before = receiver.requests.length;
    await page.getByRole('button', { name: 'Send a test notification' }).click();
    await page.locator('.test-result[data-ok="true"]').waitFor();

    // Assess
    expect(headersShown).toBe('authorization: <secret>');
    expect(urlHelp).toContain('stored (http://127.0.0.1:');
    expect(urlHelp).toContain('/<redacted>): leave empty to keep');
    expect(refusal).toBe('the destination (settings.url) changed: send the secret again');
    expect(receiver.requests.slice(before).map((request) => [request.path, request.headers.authorization])).toEqual([['/kept', token]]);
    expect(receiver.requests.some((request) => request.path === '/elsewhere')).toBe(false);
    expect((await adminClient(stack).call('GET', path)).body.ownGrouping.groupBy).toEqual(['alertname', 'service']);
    expect(await page.locator('main').textContent()).not.toContain('kept-header-0461');
  });

  it("edits a receiver's maxAlerts, config selector and filter label requirement, the API refusing a new config selector while a header is kept, and shows them after a reload", async () => {
    // Prepare: a webhook whose URL and header are secrets
    const path = '/v1/accounts/acme/tenants/team-a/receivers/selector-hook';
    expect((await adminClient(stack).call('PUT', path, { channel: 'webhook', settings: { url: `${receiver.url}/selector`, headers: { authorization: 'Bearer selector-0471' } } })).status).toBe(201);
    const page = await aPage();
    await signIn(page, account.keyA);
    await page.goto(`${stack.httpUrl}/console#/tenants/team-a/receivers/selector-hook`);
    const configSelector = page.locator('#config-selector');
    const expressions = page.locator('#filter-matchExpressions');
    const maxAlertsUnset = await page.getByLabel('Most alerts per notification (maxAlerts)').getAttribute('placeholder');

    // Act: maxAlerts, a config selector row and a label requirement; the header kept, so the new config selector is refused by it
    await page.getByLabel('Most alerts per notification (maxAlerts)').fill('25');
    await configSelector.getByRole('button', { name: 'Add a row' }).click();
    await configSelector.getByLabel('Key').fill('team');
    await configSelector.getByLabel('Value').fill('ops');
    await expressions.getByRole('button', { name: 'Add a row' }).click();
    await expressions.getByLabel('Label').fill('env');
    await expressions.getByLabel('Operator').selectOption('NotIn');
    await expressions.getByLabel('Values').fill('dev, test');
    await page.getByRole('button', { name: 'Save' }).click();
    const refusal = await page.locator('#setting-headers-error').textContent();
    // the URL and the header (both secrets) typed again: saved
    await page.locator('#setting-url').fill(`${receiver.url}/selector`);
    await page.locator('#setting-headers').fill('authorization: Bearer selector-0472');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved (version 2).').waitFor();
    await page.reload();
    await expressions.getByLabel('Label').waitFor();

    // Assess
    expect(maxAlertsUnset).toBe('0');
    expect(refusal).toBe('the destination (configSelector) changed: send the secret again');
    expect(await page.getByLabel('Most alerts per notification (maxAlerts)').inputValue()).toBe('25');
    expect([await configSelector.getByLabel('Key').inputValue(), await configSelector.getByLabel('Value').inputValue()]).toEqual(['team', 'ops']);
    expect([await expressions.getByLabel('Label').inputValue(), await expressions.getByLabel('Operator').inputValue(), await expressions.getByLabel('Values').inputValue()]).toEqual(['env', 'NotIn', 'dev, test']);
    const stored = (await adminClient(stack).call('GET', path)).body;
    expect(stored).toMatchObject({ version: 2, ownGrouping: { maxAlerts: 25 }, configSelector: { team: 'ops' }, filter: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev', 'test'] }] } });
    expect(await page.locator('main').textContent()).not.toContain('selector-047');
  });

  it("shows the API's refusal to keep an SMTP login by its group when the host changes", async () => {
    // Prepare
    const path = '/v1/accounts/acme/tenants/team-a/receivers/kept-mail';
    const settings = { host: 'smtp.example.com', from: 'alerts@example.com', to: ['ops@example.com'], auth: { user: 'alerts', password: 'kept-password-0462' } };
    expect((await adminClient(stack).call('PUT', path, { channel: 'email-smtp', settings })).status).toBe(201);
    const page = await aPage();
    await signIn(page, account.keyA);
    await page.goto(`${stack.httpUrl}/console#/tenants/team-a/receivers/kept-mail`);

    // Act
    await page.locator('#setting-host').fill('smtp.elsewhere.example');
    await page.getByRole('button', { name: 'Save' }).click();
    const refusal = await page.locator('#setting-auth-error').textContent();

    // Assess
    expect(refusal).toBe('the destination (settings.host) changed: send the secret again');
    // Said once, by the group: not again under its settings, nor above the button.
    expect(await page.locator('#setting-auth-user-error').count()).toBe(0);
    expect(await page.locator('form > p.field-error').count()).toBe(0);
    expect((await adminClient(stack).call('GET', path)).body.version).toBe(1);
  });

  it("creates a channel config from its channel's settings form, and never shows its values again", async () => {
    // Prepare
    const page = await aPage();
    await signIn(page, account.keyA);
    await page.getByRole('link', { name: 'Configs' }).click();
    const secret = 'SEC-very-secret-signing-key';

    // Act
    await page.getByLabel('Channel', { exact: true }).selectOption('dingtalk');
    await page.getByLabel('Labels (name="value", one per line)').fill('team="a"');
    await page.locator('#config-setting-accessToken').fill('tok-123');
    await page.locator('#config-setting-secret').fill(secret);
    await page.getByRole('button', { name: 'Save' }).click();
    const nameRequired = await page.locator('#config-name-error').textContent();
    await page.getByLabel('Name', { exact: true }).fill('robot');
    await page.getByRole('button', { name: 'Save' }).click();
    const row = page.locator('li[data-config="robot"]');
    await row.waitFor();

    // Assess
    expect(nameRequired).toBe('A receiver needs a name.');
    expect(await row.textContent()).toContain('settings: accessToken, secret');
    expect(await page.locator('body').textContent()).not.toContain(secret);
    expect(await page.locator('#config-setting-accessToken').inputValue()).toBe('');
    expect(await page.locator('#config-setting-secret').getAttribute('type')).toBe('password');

    // Edited: its labels changed, its settings left empty, which keeps them.
    await row.getByRole('button', { name: 'Edit' }).click();
    const secretHelp = await page.locator('#config-setting-secret-help').textContent();
    await page.getByLabel('Labels (name="value", one per line)').fill('team="a"\ntier="1"');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Config robot saved (version 2); its values are sealed.').waitFor();
    // The list reloads after the notice: wait for the row with the new label.
    await page.locator('li[data-config="robot"]', { hasText: 'tier' }).waitFor();
    expect(secretHelp).toBe('stored: leave empty to keep');
    expect(await row.textContent()).toContain('settings: accessToken, secret');

    // Deleted, it is gone.
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No configs in this scope.').waitFor();
  });

  it("explains from an alert's page which of the tenant's receivers get it, and no other tenant's", async () => {
    // Prepare
    const page = await aPage();
    await signIn(page, account.keyA);
    await page.getByRole('link', { name: 'DiskAlmostFull' }).first().click();

    // Act
    await page.getByRole('link', { name: 'Explain who gets it' }).click();
    await expect.poll(() => page.getByLabel('Labels').inputValue()).toContain('alertname="DiskAlmostFull"');
    await page.getByRole('button', { name: 'Explain' }).click();
    await page.locator('tr[data-receiver="team-a/a-hook"]').waitFor();

    // Assess
    expect(await page.locator('tr[data-receiver="team-a/a-hook"]').getAttribute('data-outcome')).toBe('delivered');
    expect(await page.getByText('This tenant may see the alert.').count()).toBe(1);
    const receivers = await page.locator('tr[data-receiver]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-receiver')));
    expect(receivers.every((name) => name!.startsWith('team-a/'))).toBe(true);
  });

  it('lets the operator create a cluster whose Alertmanager snippet works as pasted, rotate its token and revoke the old one', async () => {
    // Prepare
    const page = await aPage();
    await signIn(page, TEST_ADMIN_KEY, 'acme');
    await page.getByRole('link', { name: 'Clusters' }).click();

    // Act: create; the snippet carries the new token
    await page.getByLabel('New cluster name').fill('edge-1');
    await page.getByRole('button', { name: 'Create cluster' }).click();
    const card = page.locator('article.cluster[data-cluster="edge-1"]');
    await card.locator('code.token').waitFor();
    const firstToken = await card.locator('code.token').textContent();
    const snippet = parseYaml((await card.locator('pre[data-kind="alertmanager"]').textContent())!);
    const webhook = snippet.receivers[0].webhook_configs[0];
    const posted = await fetch(webhook.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${webhook.http_config.authorization.credentials}`, 'content-type': 'application/json' },
      body: JSON.stringify(anAlertmanagerWebhook([anAlertmanagerAlert({ labels: { alertname: 'EdgeUp', namespace: 'edge' } })])),
    });

    // Act: rotate, then revoke the first token
    await page.getByLabel('Rotation overlap').fill('1h');
    await card.getByRole('button', { name: 'Rotate token' }).click();
    await expect.poll(() => card.locator('code.token').textContent()).not.toBe(firstToken);
    const firstTokenId = await card.locator('tr[data-token]').first().getAttribute('data-token');
    await card.locator(`tr[data-token="${firstTokenId}"]`).getByRole('button', { name: 'Revoke' }).click();
    await card.locator(`tr[data-token="${firstTokenId}"] .badge-expired`).waitFor();
    const withOld = await fetch(webhook.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${firstToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(anAlertmanagerWebhook([anAlertmanagerAlert({ labels: { alertname: 'EdgeUp', namespace: 'edge' } })])),
    });

    // Assess
    expect(posted.status).toBe(200);
    expect(webhook.url).toMatch(new RegExp(`^${stack.httpUrl}/ingest/c-[a-z0-9]+/alertmanager$`));
    expect(webhook.http_config.authorization.credentials).toBe(firstToken);
    expect(await card.locator('tr[data-token]').count()).toBe(2);
    expect(withOld.status).toBe(401);
  });

  it('dry-runs a pasted Kubernetes event against the rules, saying when the paste is not JSON', async () => {
    // Prepare
    const page = await aPage();
    await signIn(page, TEST_ADMIN_KEY, 'acme');
    await page.getByRole('link', { name: 'Rules', exact: true }).click();

    // Act
    const sample = await page.getByLabel('Kubernetes event or audit event (JSON)').inputValue();
    await page.getByLabel('Kubernetes event or audit event (JSON)').fill('{"kind": "Event",');
    await page.getByRole('button', { name: 'Dry-run' }).click();
    const notJson = await page.locator('#event-error').textContent();
    await page.getByLabel('Kubernetes event or audit event (JSON)').fill(sample);
    await page.getByLabel('Cluster name').fill('prod-eu');
    await page.getByRole('button', { name: 'Dry-run' }).click();
    const match = page.locator('li[data-rule="CrashLoopBackOff"]');
    await match.waitFor();

    // Assess
    expect(notJson).toMatch(/JSON/);
    expect(await match.getAttribute('data-outcome')).toBe('alert');
    expect(await match.locator('.labels').textContent()).toContain('namespace="shop"');
  });

  it("lets a tenant write a rule with labels, annotations, a namespace scope and a resolve time, showing the API's messages by the condition, a label and the resolve time, dry-run an event against it, and read it back after a reload", async () => {
    // Prepare
    const page = await aPage();
    await signIn(page, account.keyA);
    await page.getByRole('link', { name: 'Rules', exact: true }).click();
    const labels = page.locator('#rule-labels');
    const annotations = page.locator('#rule-annotations');

    // Act
    await page.getByLabel('Rule', { exact: true }).fill('MountFailed');
    await page.getByRole('button', { name: 'Save rule' }).click();
    const nameError = await page.locator('#rule-name-error').textContent();
    await page.getByLabel('Rule', { exact: true }).fill('mount-failed');
    await page.getByLabel('Condition').fill('reason = "FailedMount" and');
    await page.getByRole('button', { name: 'Save rule' }).click();
    const syntaxError = await page.locator('#rule-condition-error').textContent();
    await page.getByLabel('Condition').fill('reason = "FailedMount"');
    // a label the engine sets itself, which a rule may not override
    await labels.getByRole('button', { name: 'Add a row' }).click();
    await labels.getByLabel('Key').fill('cluster');
    await labels.getByLabel('Value').fill('elsewhere');
    await annotations.getByRole('button', { name: 'Add a row' }).click();
    await annotations.getByLabel('Key').fill('summary');
    await annotations.getByLabel('Value').fill('{{involvedObject.name}} cannot mount');
    await page.getByRole('button', { name: 'Save rule' }).click();
    const labelError = await page.locator('#rule-labels-error').textContent();
    await labels.getByLabel('Key').fill('team');
    await labels.getByLabel('Value').fill('storage');
    // one namespace, and a resolve time below the API's least
    await page.getByLabel('Applies to').selectOption('namespace');
    await page.getByLabel('Namespace', { exact: true }).fill('shop');
    await page.getByLabel('Resolve after (seconds)').fill('30');
    await page.getByRole('button', { name: 'Save rule' }).click();
    const resolveError = await page.locator('#rule-resolveAfterSeconds-error').textContent();
    await page.getByLabel('Resolve after (seconds)').fill('3600');
    await page.getByRole('button', { name: 'Save rule' }).click();
    await page.locator('tr[data-rule="mount-failed"]').waitFor();
    const event = { apiVersion: 'v1', kind: 'Event', type: 'Warning', reason: 'FailedMount', message: 'MountVolume.SetUp failed', involvedObject: { kind: 'Pod', namespace: 'shop', name: 'db-0' } };
    await page.getByLabel('Kubernetes event or audit event (JSON)').fill(JSON.stringify(event));
    await page.getByLabel('Cluster name').fill('prod-eu');
    await page.getByRole('button', { name: 'Dry-run' }).click();
    const match = page.locator('li[data-rule="mount-failed"]');
    await match.waitFor();
    const [outcome, matchedLabels, matched] = [await match.getAttribute('data-outcome'), await match.locator('.labels').textContent(), await match.textContent()];
    // read back: the page reloaded and the rule opened
    await page.reload();
    await page.locator('tr[data-rule="mount-failed"]').getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Rule mount-failed' }).waitFor();

    // Assess
    expect(nameError).toContain('lower-case');
    expect(syntaxError).toMatch(/\S/);
    expect(labelError).toContain('cluster: "cluster" is set by the engine');
    expect(resolveError).toContain('between 60 and 604800');
    expect(outcome).toBe('alert');
    expect(matchedLabels).toContain('namespace="shop"');
    expect(matchedLabels).toContain('team="storage"');
    expect(matched).toContain('db-0 cannot mount');
    expect([await labels.getByLabel('Key').inputValue(), await labels.getByLabel('Value').inputValue()]).toEqual(['team', 'storage']);
    expect([await annotations.getByLabel('Key').inputValue(), await annotations.getByLabel('Value').inputValue()]).toEqual(['summary', '{{involvedObject.name}} cannot mount']);
    expect(await page.getByLabel('Condition').inputValue()).toBe('reason = "FailedMount"');
    expect([await page.getByLabel('Applies to').inputValue(), await page.getByLabel('Namespace', { exact: true }).inputValue(), await page.getByLabel('Resolve after (seconds)').inputValue()]).toEqual(['namespace', 'shop', '3600']);
  });

  it("lets a tenant write lists and macros for its rules, showing the API's message by the macro at fault, and a rule use them", async () => {
    // Prepare
    const page = await aPage();
    await signIn(page, account.keyA);
    await page.getByRole('link', { name: 'Rules', exact: true }).click();
    const lists = page.locator('#definitions-lists');
    const macros = page.locator('#definitions-macros');

    // Act: a macro naming a list not defined yet
    await macros.getByRole('button', { name: 'Add a row' }).click();
    await macros.getByLabel('Key').fill('probe_failed');
    await macros.getByLabel('Value').fill('reason in ${probe_reasons}');
    await page.getByRole('button', { name: 'Save lists, macros and aliases' }).click();
    const macroError = await page.locator('#definitions-macros-error').textContent();
    await lists.getByRole('button', { name: 'Add a row' }).click();
    await lists.getByLabel('Key').fill('probe_reasons');
    await lists.getByLabel('Value').fill('Unhealthy, ProbeWarning');
    await page.getByRole('button', { name: 'Save lists, macros and aliases' }).click();
    await page.getByText('Saved (version 1).').waitFor();
    await page.getByLabel('Rule', { exact: true }).fill('probes');
    await page.getByLabel('Condition').fill('${probe_failed}');
    await page.getByRole('button', { name: 'Save rule' }).click();
    await page.locator('tr[data-rule="probes"]').waitFor();
    await page.reload();
    await lists.getByLabel('Key').waitFor();

    // Assess
    expect(macroError).toContain('probe_failed');
    expect(await lists.getByLabel('Value').inputValue()).toBe('Unhealthy, ProbeWarning');
    expect(await macros.getByLabel('Value').inputValue()).toBe('reason in ${probe_reasons}');
    const stored = await fetch(`${stack.httpUrl}/v1/accounts/acme/tenants/team-a/rule-definitions`, { headers: { authorization: `Bearer ${account.keyA}` } });
    expect(await stored.json()).toMatchObject({ lists: { probe_reasons: ['Unhealthy', 'ProbeWarning'] }, macros: { probe_failed: 'reason in ${probe_reasons}' }, version: 1 });
  });

  it("offers the operator a dead-letter replay on the account's notifications, and a tenant none", async () => {
    // Prepare
    const operator = await aPage();
    await signIn(operator, TEST_ADMIN_KEY, 'acme');
    const tenant = await aPage();
    await signIn(tenant, account.keyA);

    // Act
    await operator.getByRole('link', { name: 'Notifications' }).click();
    await operator.getByText('Dead letters (operator): replay').click();
    await operator.getByRole('button', { name: 'Move back for another try' }).click();
    const result = await operator.getByRole('status').textContent();
    await tenant.getByRole('link', { name: 'Notifications' }).click();
    await tenant.locator('li.notification').first().waitFor();

    // Assess
    expect(result).toBe('0 moved back to their queue; 0 left (other accounts or receivers).');
    expect(await tenant.locator('details.dead-letters').count()).toBe(0);
  });

  it('can be used with the keyboard alone: sign in, move between pages, open an alert', async () => {
    // Prepare
    const page = await aPage();
    await page.goto(`${stack.httpUrl}/console`);
    await page.getByLabel('API key').waitFor();
    /** Presses Tab until the focused element's text or name is `name`, as a keyboard user would. */
    const tabTo = async (name: string) => {
      for (let presses = 0; presses < 40; presses++) {
        await page.keyboard.press('Tab');
        const focused = page.locator(':focus');
        if ((await focused.count()) > 0 && ((await focused.textContent())?.trim() === name || (await focused.getAttribute('name')) === name)) return;
      }
      throw new Error(`Tab never reached ${name}`);
    };

    // Act
    await tabTo('key');
    await page.keyboard.type(account.keyA);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Alerts firing now' }).waitFor();
    await tabTo('Silences');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Silences' }).waitFor();
    await tabTo('Alerts');
    await page.keyboard.press('Enter');
    await page.locator('li.alert-row').first().waitFor();
    await tabTo('DiskAlmostFull');
    await page.keyboard.press('Enter');

    // Assess
    await page.getByRole('heading', { name: 'Alert DiskAlmostFull' }).waitFor();
    expect(page.url()).toContain(`#/tenants/team-a/alerts/${account.fingerprints.disk}`);
  });

  it('switches to Simplified Chinese and keeps the choice', async () => {
    // Prepare
    const page = await aPage();
    await signIn(page, account.keyA);

    // Act
    await page.locator('select[name="language"]').selectOption('zh-CN');
    await page.getByRole('link', { name: '静默', exact: true }).waitFor();
    await page.reload();

    // Assess
    await page.getByRole('heading', { name: '正在触发的告警' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
  });

  it('met no Content-Security-Policy violation and no script error on any page', () => {
    expect(pages.problems).toEqual([]);
  });
});
