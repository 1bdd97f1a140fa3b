/**
 * `npm run screenshots`: starts a stack of its own (in memory, random ports),
 * fills an account as the browser tests do, and writes a PNG of each console
 * page into docs/console/, so reviewers can see the console without running it.
 * Needs Debian's chromium (or TIDINGS_CHROMIUM).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumExecutable, launchChromium } from '../test/helpers/browser.js';
import { seedConsoleAccount } from '../test/helpers/console-fixtures.js';
import { startHttpReceiver } from '../test/helpers/http-receiver.js';
import { adminClient, eventually, startTestStack, TEST_ADMIN_KEY } from '../test/helpers/local-stack.js';

const OUT_DIR = 'docs/console';
// The SDK's notice that it will need Node 22 from 2027 (Lambda runs nodejs22.x), as npm start silences it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const executable = chromiumExecutable();
if (executable === undefined) {
  console.error('no chromium found: apt-get install chromium, or set TIDINGS_CHROMIUM to a Chromium binary');
  process.exit(1);
}
rmSync(OUT_DIR, { recursive: true, force: true });
mkdirSync(OUT_DIR, { recursive: true });

const receiver = await startHttpReceiver();
// A Prometheus stand-in for the rule group dry run: two pods of prod-eu's shop namespace, for every query.
const prometheus = await startHttpReceiver((request) => {
  const at = Number(new URLSearchParams(request.body).get('time'));
  const result = ['web-1', 'web-2'].map((pod, i) => ({ metric: { cluster: 'prod-eu', namespace: 'shop', pod }, value: [at, String(2.5 + i)] }));
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }) };
});
const [stack, browser] = await Promise.all([startTestStack(), launchChromium(executable)]);
try {
  const account = await seedConsoleAccount(stack, 'acme', receiver.url);
  const endpoint = await adminClient(stack).call('PUT', `/v1/accounts/acme/clusters/${account.cluster.id}/metrics-endpoint`, { url: prometheus.url });
  if (endpoint.status >= 300) throw new Error(`metrics endpoint: ${endpoint.status} ${JSON.stringify(endpoint.body)}`);
  const written: string[] = [];
  const shoot = async (page: Page, name: string) => {
    const path = join(OUT_DIR, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    written.push(path);
  };
  const newPage = async (viewport = { width: 1280, height: 800 }) => (await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/Berlin' })).newPage();
  const signIn = async (page: Page, key: string, accountId?: string) => {
    await page.goto(`${stack.httpUrl}/console`);
    await page.getByLabel('API key').fill(key);
    if (accountId !== undefined) await page.getByLabel('Account', { exact: true }).fill(accountId);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Silences' }).waitFor();
  };

  // How soon the console is usable, from a browser that has nothing cached: the sign-in form, then the alerts.
  const page = await newPage();
  let started = performance.now();
  await page.goto(`${stack.httpUrl}/console`);
  await page.getByLabel('API key').waitFor();
  const signInReadyMs = performance.now() - started;
  await shoot(page, '01-sign-in');

  await page.getByLabel('API key').fill(account.keyA);
  started = performance.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('li.alert-row').first().waitFor();
  const alertsReadyMs = performance.now() - started;
  await shoot(page, '02-alerts');

  await page.getByRole('link', { name: 'HighErrorRate' }).click();
  await page.locator('ol.trail > li').first().waitFor();
  await shoot(page, '03-alert-trail');

  await page.getByRole('link', { name: 'Silence this alert…' }).click();
  await page.locator('ul.preview > li').first().waitFor();
  await page.getByLabel('Comment').fill('checkout deploy in progress');
  await shoot(page, '04-new-silence-preview');
  await page.getByRole('button', { name: 'Create silence' }).click();
  await page.locator('.state .badge-silenced').waitFor();
  await shoot(page, '05-alert-silenced');

  await page.getByRole('link', { name: 'Silences' }).click();
  await page.locator('li.silence').first().waitFor();
  await shoot(page, '06-silences');

  await page.getByRole('link', { name: 'Notifications' }).click();
  await page.locator('li.notification').first().waitFor();
  await page.locator('li.notification details').first().evaluate((details) => details.setAttribute('open', ''));
  await shoot(page, '07-notifications');

  await page.getByRole('link', { name: 'Receivers' }).click();
  await page.locator('li.receiver-row').first().waitFor();
  await page.getByRole('button', { name: 'Send a test notification' }).first().click();
  await page.locator('.test-result').first().waitFor();
  await shoot(page, '08-receivers');

  await page.getByRole('link', { name: 'New receiver' }).click();
  await page.getByLabel('Name', { exact: true }).fill('pager');
  await page.locator('#setting-url').fill('ftp://example.com/hook');
  await page.getByLabel('Group wait').fill('10s');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#setting-url-error').waitFor();
  await shoot(page, '09-receiver-refused-field');
  await page.getByLabel('Channel', { exact: true }).selectOption('email-smtp');
  await shoot(page, '09b-receiver-email-settings');

  await page.getByRole('link', { name: 'Silences' }).click();
  await page.getByRole('link', { name: 'New silence' }).click();
  await page.getByLabel('Matchers, one per line').fill('namespace="shop"\nseverity=~"warning|info"');
  await page.getByLabel('Lasts').selectOption('recurring');
  await page.getByLabel('Time zone').fill('Asia/Shanghai');
  await page.getByLabel('Comment').fill('nightly batch window');
  await page.locator('ul.preview > li').first().waitFor();
  await shoot(page, '10-recurring-silence');

  await page.goto(`${stack.httpUrl}/console#/tenants/team-a/explain?fingerprint=${account.fingerprints.disk}`);
  await page.getByRole('button', { name: 'Explain' }).waitFor();
  // The page fills the box from the alert once it has read it (the console's CSP rules out waitForFunction's eval).
  await eventually(async () => ((await page.getByLabel('Labels').inputValue()).includes('alertname') ? true : undefined), 15_000, 'the labels box to fill');
  await page.getByRole('button', { name: 'Explain' }).click();
  await page.locator('tr[data-receiver]').first().waitFor();
  await shoot(page, '11-explain');

  await page.goto(`${stack.httpUrl}/console#/tenants/team-b/alerts`);
  await page.locator('.forbidden').waitFor();
  await shoot(page, '12-other-tenant-refused');

  await page.goto(`${stack.httpUrl}/console#/tenants/team-a/alerts`);
  await page.locator('select[name="language"]').selectOption('zh-CN');
  await page.locator('li.alert-row').first().waitFor();
  await shoot(page, '13-alerts-zh-cn');

  const operator = await newPage();
  await signIn(operator, TEST_ADMIN_KEY, 'acme');
  await operator.getByLabel('Showing').selectOption('team-b');
  await operator.locator('li.alert-row').first().waitFor();
  await shoot(operator, '14-operator-tenant-view');

  await operator.getByRole('link', { name: 'Clusters' }).click();
  await operator.getByLabel('New cluster name').fill('edge-shanghai');
  await operator.getByRole('button', { name: 'Create cluster' }).click();
  await operator.locator('article.cluster[data-cluster="edge-shanghai"] code.token').waitFor();
  await shoot(operator, '15-clusters');

  await operator.goto(`${stack.httpUrl}/console#/global/rules`);
  await operator.getByLabel('Cluster name').fill('prod-eu');
  await operator.getByRole('button', { name: 'Dry-run' }).click();
  await operator.locator('.dry-run li').first().waitFor();
  await shoot(operator, '15b-rules-dry-run');

  await operator.getByRole('link', { name: 'Tenants' }).click();
  await operator.locator('li[data-tenant="team-a"]').waitFor();
  await operator.getByRole('button', { name: 'New tenant' }).click();
  await operator.getByLabel('Name', { exact: true }).fill('team-c');
  await operator.getByLabel('Namespaces (cluster/namespace, one per line)').fill('prod-eu/search\nprod-eu');
  await operator.getByRole('button', { name: 'Save' }).click();
  await operator.locator('#tenant-bindings-error').waitFor();
  await shoot(operator, '17-tenants');

  await page.goto(`${stack.httpUrl}/console#/tenants/team-a/configs`);
  await page.locator('select[name="language"]').selectOption('en');
  await page.getByLabel('Channel', { exact: true }).selectOption('dingtalk');
  await page.getByLabel('Name', { exact: true }).fill('shop-robot');
  await page.locator('#config-setting-accessToken').fill('a-robot-access-token');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('li[data-config="shop-robot"]').waitFor();
  await shoot(page, '18-configs');

  await page.getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('button', { name: 'New template set' }).click();
  await page.getByLabel('Name', { exact: true }).fill('compact');
  await page.getByLabel('Template: title').fill('{{#if firingCount}}[{{toUpper status}}] {{alertname}}');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#template-title-error').waitFor();
  await shoot(page, '19-template-refused');

  await page.getByRole('link', { name: 'Rule groups' }).click();
  await page.getByRole('button', { name: 'New rule group' }).click();
  await page.getByLabel('Name', { exact: true }).fill('checkout');
  await page.getByLabel('Namespace', { exact: true }).fill('shop');
  await page.getByLabel('Alert name').fill('CheckoutErrors');
  await page.getByLabel('Expression (PromQL)').fill('sum by (pod) (rate(http_errors_total{job="checkout"}[5m])) > 1');
  await page.getByLabel('For (pending before firing)').fill('5m');
  const annotations = page.locator('#rule-0-annotations');
  await annotations.getByRole('button', { name: 'Add a row' }).click();
  await annotations.getByLabel('Key').fill('summary');
  await annotations.getByLabel('Value').fill('{{ $labels.pod }} fails {{ $value }} requests a second');
  await page.getByLabel('Cluster to evaluate in').fill('prod-eu');
  await page.getByRole('button', { name: 'Dry-run these rules' }).click();
  await page.locator('.dry-run-alert').first().waitFor();
  await shoot(page, '20-rule-group-dry-run');

  await page.getByRole('link', { name: 'Inhibit rules' }).click();
  await page.getByRole('button', { name: 'New inhibit rule' }).click();
  await page.getByLabel('Name', { exact: true }).fill('checkout-down');
  await page.getByLabel('Source matchers').fill('alertname="CheckoutDown"\nseverity="critical');
  await page.getByLabel('Target matchers').fill('severity=~"warning|info"');
  await page.getByLabel('Equal labels').fill('cluster, namespace');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#inhibit-source-error').waitFor();
  await shoot(page, '21-inhibit-rule-refused');

  await operator.getByRole('link', { name: 'Routers' }).click();
  await operator.getByRole('button', { name: 'New router' }).click();
  await operator.getByLabel('Name', { exact: true }).fill('critical-to-pager');
  await operator.getByLabel('Matchers', { exact: true }).fill('severity="critical"');
  await operator.getByRole('button', { name: 'Save' }).click();
  await operator.locator('#router-target-error').waitFor();
  await shoot(operator, '22-router-needs-target');

  await operator.getByRole('link', { name: 'Settings' }).click();
  await operator.getByLabel('Route policy').selectOption('RouterFirst');
  await operator.getByLabel('Group wait').fill('10 seconds');
  await operator.getByRole('button', { name: 'Save' }).click();
  await operator.locator('#settings-groupWait-error').waitFor();
  await shoot(operator, '23-account-settings');

  const phone = await newPage({ width: 390, height: 844 });
  await signIn(phone, account.keyA);
  await phone.locator('li.alert-row').first().waitFor();
  await shoot(phone, '16-alerts-phone');

  console.log(`wrote ${written.length} screenshots:\n  ${written.join('\n  ')}`);
  console.log(`sign-in form usable ${signInReadyMs.toFixed(0)} ms after navigation; alerts listed ${alertsReadyMs.toFixed(0)} ms after signing in`);
} finally {
  await browser.close();
  await stack.stop();
  await receiver.close();
  await prometheus.close();
}
