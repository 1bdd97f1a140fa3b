import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { chromiumExecutable, consolePages, launchChromium } from '../helpers/browser.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { adminClient, startTestStack, TEST_ADMIN_KEY } from '../helpers/local-stack.js';

const executable = chromiumExecutable();
const skipped = executable === undefined ? ' (skipped: no chromium; `apt-get install chromium`, or set TIDINGS_CHROMIUM)' : '';

const ACCOUNT = 'globex';
let stack: LocalStack;
let browser: Browser;
let prometheus: Awaited<ReturnType<typeof startHttpReceiver>>;
let keyA: string;
const pages = consolePages(() => browser, () => `${stack.httpUrl}/console`);

/** As the operator would over the API, refusing to go on when it does not answer 2xx. */
async function admin(method: string, path: string, body?: unknown) {
  const response = await adminClient(stack).call(method, `/v1/accounts/${ACCOUNT}${path}`, body);
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** A Prometheus stand-in for dry runs: one series of pod web-1 in prod-eu's shop namespace for every query. */
function prometheusAnswer(form: URLSearchParams) {
  const metric = { cluster: 'prod-eu', namespace: 'shop', pod: 'web-1' };
  return { status: 'success', data: { resultType: 'vector', result: [{ metric, value: [Number(form.get('time')), '3'] }] } };
}

describe.skipIf(executable === undefined)(`the console's configuration pages (tenants, templates, rule groups, inhibit rules, routers, workspaces, settings, clusters) in Chromium${skipped}`, () => {
  beforeAll(async () => {
    prometheus = await startHttpReceiver((request) =>
      request.path === '/api/v1/query' ? { status: 200, body: JSON.stringify(prometheusAnswer(new URLSearchParams(request.body))), headers: { 'content-type': 'application/json' } } : { status: 404 },
    );
    [stack, browser] = await Promise.all([startTestStack(), launchChromium(executable!)]);
    const cluster = await adminClient(stack).createCluster(ACCOUNT, 'prod-eu');
    await admin('PUT', `/clusters/${cluster.id}/metrics-endpoint`, { url: prometheus.url });
    await admin('PUT', '/tenants/team-a', { displayName: 'Team A', bindings: [{ cluster: 'prod-eu', namespace: 'shop' }] });
    await admin('PUT', '/tenants/team-b', { displayName: 'Team B', bindings: [{ cluster: 'prod-eu', namespace: 'pay' }] });
    keyA = (await admin('POST', '/tenants/team-a/keys')).key;
    // team-b's own objects, which team-a must never see.
    await admin('PUT', '/tenants/team-b/template-sets/b-secret-layout', { templates: { title: 'B only: {{status}}' } });
    await admin('PUT', '/tenants/team-b/rule-groups/b-payments', { namespace: 'pay', rules: [{ alert: 'BPaymentsDown', expr: 'up{job="payments"} == 0' }] });
  }, 120_000);

  afterAll(async () => {
    await pages.closeAll();
    await browser?.close();
    await stack?.stop();
    await prometheus?.close();
  });

  it("lets a tenant write a rule group, showing where its expression does not parse, and dry-run it with the namespace injected", async () => {
    // Prepare
    const page = await pages.open();
    await pages.signIn(page, keyA);
    await page.getByRole('link', { name: 'Rule groups' }).click();
    await page.getByText('No rule groups at this level.').waitFor();

    // Act: a group whose expression does not parse
    await page.getByRole('button', { name: 'New rule group' }).click();
    await page.getByLabel('Name', { exact: true }).fill('web');
    await page.getByLabel('Namespace', { exact: true }).fill('shop');
    await page.getByLabel('Alert name').fill('WebDown');
    await page.getByLabel('Expression (PromQL)').fill('up{job="web"} ==');
    await page.getByRole('button', { name: 'Save' }).click();
    const exprError = await page.locator('#rule-0-expr-error').textContent();

    // Act: fixed, dry-run, saved
    await page.getByLabel('Expression (PromQL)').fill('up{job="web"} == 3');
    await page.getByLabel('Cluster to evaluate in').fill('prod-eu');
    await page.getByRole('button', { name: 'Dry-run these rules' }).click();
    await page.locator('.dry-run-alert').first().waitFor();
    const injected = await page.locator('.dry-run-rule[data-alert="WebDown"] pre.expr').textContent();
    const alert = await page.locator('.dry-run-alert').first().textContent();
    await page.getByRole('button', { name: 'Save' }).click();
    const row = page.locator('li[data-rule-group="web"]');
    await row.waitFor();

    // Assess
    expect(exprError).toMatch(/\S/);
    expect(injected).toContain('namespace="shop"');
    expect(alert).toContain('firing');
    expect(alert).toContain('pod="web-1"');
    expect(await row.textContent()).toContain('WebDown');
    const stored = await fetch(`${stack.httpUrl}/v1/accounts/${ACCOUNT}/tenants/team-a/rule-groups/web`, { headers: { authorization: `Bearer ${keyA}` } });
    expect(await stored.json()).toMatchObject({ namespace: 'shop', rules: [{ alert: 'WebDown', expr: 'up{job="web"} == 3' }] });
  });

  it("lets a tenant edit a rule's severity levels, keep_firing_for and annotations as rows and another's workload metric builder, showing the API's refusal by its field, and reads them back after a reload", async () => {
    // Prepare
    const page = await pages.open();
    await pages.signIn(page, keyA);
    await page.getByRole('link', { name: 'Rule groups' }).click();
    await page.getByRole('button', { name: 'New rule group' }).click();
    const rule = page.locator('fieldset[data-rule="0"]');
    const levels = rule.getByRole('group', { name: 'Severity levels' });
    const annotations = page.locator('#rule-0-annotations');

    // Act: two levels and an annotation, but no inhibit labels, which several levels need
    await page.getByLabel('Name', { exact: true }).fill('tiers');
    await page.getByLabel('Namespace', { exact: true }).fill('shop');
    await rule.getByLabel('Alert name').fill('WebRestarts');
    await rule.getByLabel('Expression (PromQL)').fill('increase(restarts_total{job="web"}[10m])');
    await rule.getByLabel('Keep firing for').fill('10m');
    await levels.getByRole('button', { name: 'Add a level' }).click();
    await levels.getByRole('button', { name: 'Add a level' }).click();
    await levels.getByLabel('Threshold').nth(0).fill('10');
    await levels.getByLabel('Threshold').nth(1).fill('3');
    await levels.getByLabel('Severity').nth(1).selectOption('warning');
    await annotations.getByRole('button', { name: 'Add a row' }).click();
    await annotations.getByLabel('Key').fill('summary');
    await annotations.getByLabel('Value').fill('<b>web</b> restarts');
    // and a second rule built from a workload metric
    await page.getByRole('button', { name: 'Add a rule' }).click();
    const built = page.locator('fieldset[data-rule="1"]');
    await built.getByLabel('Alert name').fill('WebMemory');
    await built.getByLabel('Build the expression from a metric and a threshold').check();
    await built.getByLabel('Workloads').fill('web, api');
    await built.getByLabel('Metric', { exact: true }).selectOption('memory.usageWoCache');
    await built.getByLabel('Threshold', { exact: true }).fill('500000000');
    await page.getByRole('button', { name: 'Save' }).click();
    const inhibitError = await page.locator('#rule-0-inhibitLabels-error').textContent();

    // Act: fixed and saved, then the page reloaded and the group opened
    await rule.getByLabel('Inhibit labels').fill('pod');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('li[data-rule-group="tiers"]').waitFor();
    await page.reload();
    await page.locator('li[data-rule-group="tiers"]').getByRole('button', { name: 'Edit' }).click();
    await annotations.getByLabel('Key').waitFor();

    // Assess
    expect(inhibitError).toContain('several levels need inhibitLabels');
    const rows = levels.locator('.level-row');
    const shownLevels = await Promise.all(
      [...Array(await rows.count()).keys()].map((i) => Promise.all(['Comparator', 'Threshold', 'Severity'].map((label) => rows.nth(i).getByLabel(label).inputValue()))),
    );
    expect(shownLevels).toEqual([
      ['>', '10', 'critical'],
      ['>', '3', 'warning'],
    ]);
    expect(await annotations.getByLabel('Key').inputValue()).toBe('summary');
    expect(await annotations.getByLabel('Value').inputValue()).toBe('<b>web</b> restarts');
    expect(await rule.getByLabel('Inhibit labels').inputValue()).toBe('pod');
    expect(await rule.getByLabel('Keep firing for').inputValue()).toBe('10m');
    expect(await built.getByLabel('Workloads').inputValue()).toBe('web, api');
    expect(await built.getByLabel('Metric', { exact: true }).inputValue()).toBe('memory.usageWoCache');
    const stored = (await admin('GET', '/tenants/team-a/rule-groups/tiers')) as { rules: unknown[] };
    expect(stored.rules).toMatchObject([
      {
        expr: 'increase(restarts_total{job="web"}[10m])',
        levels: [
          { comparator: '>', threshold: 10, severity: 'critical' },
          { comparator: '>', threshold: 3, severity: 'warning' },
        ],
        inhibitLabels: ['pod'],
        keep_firing_for: '10m',
        annotations: { summary: '<b>web</b> restarts' },
      },
      { alert: 'WebMemory', exprBuilder: { workload: { kind: 'deployment', names: ['web', 'api'], comparator: '>', metricThreshold: { memory: { usageWoCache: 500000000 } } } } },
    ]);
  });

  it("lets a tenant write a template set, showing the compile error by its template, and a language pack, and a receiver use the set", async () => {
    // Prepare
    const page = await pages.open();
    await pages.signIn(page, keyA);
    await page.getByRole('link', { name: 'Templates' }).click();
    await page.getByText('No template sets in this scope.').waitFor();

    // Act
    await page.getByRole('button', { name: 'New template set' }).click();
    await page.getByLabel('Name', { exact: true }).fill('compact');
    await page.getByLabel('Template: title').fill('{{#if status}}[{{status}}] {{alertname}}');
    await page.getByRole('button', { name: 'Save' }).click();
    const titleError = await page.locator('#template-title-error').textContent();
    await page.getByLabel('Template: title').fill('[{{toUpper status}}] {{t "fired" firingCount}}');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('li[data-template-set="compact"]').waitFor();
    await page.getByRole('button', { name: 'Upload a language pack' }).click();
    await page.getByLabel('Language code').fill('de');
    await page.getByLabel('Entries (key = text, one per line)').fill('fired = {0} ausgelöst');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('li[data-language-pack="de"]').waitFor();

    // Assess
    expect(titleError).toMatch(/\S/);
    expect(await page.locator('li[data-template-set="compact"]').textContent()).toContain('title');
    expect(await page.locator('li[data-language-pack="de"]').textContent()).toContain('1 entries');

    // Act: a receiver of the tenant's takes the set; its URL, a secret, is kept without typing it again
    await admin('PUT', '/tenants/team-a/receivers/shop-hook', { channel: 'webhook', settings: { url: 'https://hooks.example/shop/k3y' } });
    await page.goto(`${stack.httpUrl}/console#/tenants/team-a/receivers/shop-hook`);
    await page.locator('#template-sets option[value="compact"]').waitFor({ state: 'attached' });
    await page.getByLabel('Template set').fill('compact');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved (version 2).').waitFor();

    // Assess
    expect(await page.locator('#setting-url').inputValue()).toBe('');
    expect(await admin('GET', '/tenants/team-a/receivers/shop-hook')).toMatchObject({ presentation: { templateSet: 'compact' }, settings: { url: 'https://hooks.example/<redacted>' } });
  });

  it("shows a tenant none of another tenant's rule groups and templates, and the API refuses them", async () => {
    // Prepare
    const page = await pages.open();
    await pages.signIn(page, keyA);
    const apiCalls: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/v1/')) apiCalls.push(new URL(request.url()).pathname);
    });

    // Act
    await page.getByRole('link', { name: 'Rule groups' }).click();
    await page.locator('section h2').first().waitFor();
    await page.locator('[aria-busy="true"]').waitFor({ state: 'detached' });
    const ownGroups = await page.locator('main').textContent();
    await page.getByRole('link', { name: 'Templates' }).click();
    await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
    const ownTemplates = await page.locator('main').textContent();
    await page.getByRole('link', { name: 'Tenant', exact: true }).click();
    const ownTenant = await page.locator('.card[data-tenant="team-a"]').textContent();
    await page.goto(`${stack.httpUrl}/console#/tenants/team-b/rule-groups`);
    await page.getByRole('heading', { name: 'Not for this key' }).waitFor();
    await page.goto(`${stack.httpUrl}/console#/tenants/team-b/templates`);
    await page.getByRole('heading', { name: 'Not for this key' }).waitFor();
    const asA = { headers: { authorization: `Bearer ${keyA}` } };
    const groupsOfB = await fetch(`${stack.httpUrl}/v1/accounts/${ACCOUNT}/tenants/team-b/rule-groups`, asA);
    const setsOfB = await fetch(`${stack.httpUrl}/v1/accounts/${ACCOUNT}/tenants/team-b/template-sets`, asA);
    const clusterGroups = await fetch(`${stack.httpUrl}/v1/accounts/${ACCOUNT}/cluster-rule-groups`, asA);

    // Assess
    expect(ownGroups).not.toContain('b-payments');
    expect(ownGroups).not.toContain('BPaymentsDown');
    expect(ownTemplates).not.toContain('b-secret-layout');
    expect(ownTenant).toContain('prod-eu/shop');
    expect(ownTenant).not.toContain('pay');
    expect(apiCalls.filter((path) => !path.includes('/tenants/team-a'))).toEqual([]);
    expect([groupsOfB.status, setsOfB.status, clusterGroups.status]).toEqual([403, 403, 403]);
  });

  it('lets the operator create a tenant bound to a namespace after the API refuses a field, page through tenants, and issue a key shown once', async () => {
    // Prepare: more tenants than one page holds
    await Promise.all(Array.from({ length: 50 }, (_, i) => admin('PUT', `/tenants/bulk-${String(i).padStart(2, '0')}`, {})));
    const page = await pages.open();
    await pages.signIn(page, TEST_ADMIN_KEY, ACCOUNT);
    await page.getByRole('link', { name: 'Tenants' }).click();
    await page.locator('li[data-tenant]').first().waitFor();
    const firstPage = await page.locator('li[data-tenant]').count();

    // Act: page through
    await page.getByRole('button', { name: 'More tenants' }).click();
    await page.locator('li[data-tenant="team-b"]').waitFor();
    const allShown = await page.locator('li[data-tenant]').count();

    // Act: create one, refused first for a workspace name the API does not take
    await page.getByRole('button', { name: 'New tenant' }).click();
    await page.getByLabel('Name', { exact: true }).fill('team-c');
    await page.getByLabel('Display name').fill('Team C');
    await page.getByLabel('Namespaces (cluster/namespace, one per line)').fill('prod-eu/search');
    await page.getByLabel('Workspaces (comma-separated)').fill('bad name!');
    await page.getByRole('button', { name: 'Save' }).click();
    const workspaceError = await page.locator('#tenant-workspaces-error').textContent();
    await page.getByLabel('Workspaces (comma-separated)').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Tenant team-c saved (version 1).').waitFor();
    // The list starts again from its first page, then pages on.
    await page.locator('li[data-tenant="team-b"]').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'More tenants' }).click();
    const row = page.locator('li[data-tenant="team-c"]');
    await row.getByRole('button', { name: 'Issue a key' }).click();
    const key = (await page.locator('.new-key code').textContent()) ?? '';

    // Act: the picker pages through the tenants too
    await page.getByLabel('Showing').selectOption({ label: 'More tenants…' });
    await page.locator('#scope option[value="team-c"]').waitFor({ state: 'attached' });

    // Assess
    expect(firstPage).toBe(50);
    expect(allShown).toBe(52);
    expect(workspaceError).toMatch(/\S/);
    expect(await row.textContent()).toContain('prod-eu/search');
    expect(key).toMatch(/^tdgt\.globex\.team-c\./);
    const signedIn = await fetch(`${stack.httpUrl}/v1/accounts/${ACCOUNT}/tenants/team-c`, { headers: { authorization: `Bearer ${key}` } });
    expect(await signedIn.json()).toMatchObject({ id: 'team-c', bindings: [{ cluster: 'prod-eu', namespace: 'search' }] });
    // Shown once: after a reload of the page it is gone.
    await page.reload();
    await page.locator('li[data-tenant]').first().waitFor();
    expect(await page.locator('main').textContent()).not.toContain(key);
  });

  it("lets the operator write a global rule group whose selectors survive an edit, and dry-run it in a cluster", async () => {
    // Prepare
    const page = await pages.open();
    await pages.signIn(page, TEST_ADMIN_KEY, ACCOUNT);
    await page.getByRole('link', { name: 'Rule groups' }).click();
    await page.getByRole('heading', { name: 'Global rule groups' }).waitFor();

    // Act: a global group over two clusters and the kube- namespaces
    await page.getByRole('button', { name: 'New rule group' }).click();
    await page.getByLabel('Name', { exact: true }).fill('crashloops');
    await page.getByLabel('Level', { exact: true }).selectOption('global');
    await page.getByLabel('Clusters', { exact: true }).fill('prod-eu, prod-us');
    await page.getByLabel('Namespaces', { exact: true }).fill('=~kube-.*');
    await page.getByLabel('Alert name').fill('PodCrashLooping');
    await page.getByLabel('Expression (PromQL)').fill('increase(kube_pod_container_status_restarts_total[15m]) > 3');
    await page.getByLabel('Cluster to evaluate in').fill('prod-eu');
    await page.getByRole('button', { name: 'Dry-run these rules' }).click();
    await page.locator('.dry-run-rule').first().waitFor();
    const injected = await page.locator('.dry-run-rule pre.expr').textContent();
    await page.getByRole('button', { name: 'Save' }).click();
    const row = page.locator('li[data-rule-group="crashloops"]');
    await row.waitFor();

    // Act: edited (disabled), its selectors untouched
    await row.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Enabled').uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await row.getByText('disabled').waitFor();

    // Assess
    expect(injected).toContain('cluster="prod-eu"');
    expect(await row.textContent()).toContain('prod-eu, prod-us / =~kube-.*');
    const stored = (await admin('GET', '/global-rule-groups/crashloops')) as { enabled: boolean; clusterSelector: unknown; namespaceSelector: unknown; version: number };
    expect(stored).toMatchObject({ enabled: false, version: 2, clusterSelector: { inValues: ['prod-eu', 'prod-us'] }, namespaceSelector: { matcher: { type: '=~', value: 'kube-.*' } } });
  });

  it("lets a tenant write, edit and delete its inhibit rules, showing the API's message by the matcher it refuses, and see no other tenant's nor the operator's routers, workspaces or settings", async () => {
    // Prepare: team-b's own rule, and a rule group of team-a's whose levels write an inhibit rule
    await admin('PUT', '/tenants/team-b/inhibit-rules/b-secret-inhibit', { sourceMatchers: ['alertname="BOnly"'], targetMatchers: ['severity="info"'] });
    const levels = [
      { comparator: '>', threshold: 10, severity: 'critical' },
      { comparator: '>', threshold: 3, severity: 'warning' },
    ];
    await admin('PUT', '/tenants/team-a/rule-groups/disk-tiers', { namespace: 'shop', rules: [{ alert: 'DiskFilling', expr: 'disk_used_ratio * 100', levels, inhibitLabels: ['pod'] }] });
    const page = await pages.open();
    await pages.signIn(page, keyA);
    await page.getByRole('link', { name: 'Inhibit rules' }).click();
    const generated = page.locator('li[data-inhibit-rule="metric.namespace.disk-tiers.0.critical"]');
    await generated.waitFor();

    // Act: a source matcher that does not parse
    await page.getByRole('button', { name: 'New inhibit rule' }).click();
    await page.getByLabel('Name', { exact: true }).fill('node-down');
    await page.getByLabel('Source matchers').fill('alertname="NodeDown"\nseverity="critical');
    await page.getByLabel('Target matchers').fill('severity=~"warning|info"');
    await page.getByLabel('Equal labels').fill('cluster');
    await page.getByRole('button', { name: 'Save' }).click();
    const sourceError = await page.locator('#inhibit-source-error').textContent();
    // fixed and saved, then edited
    await page.getByLabel('Source matchers').fill('alertname="NodeDown"\nseverity="critical"');
    await page.getByRole('button', { name: 'Save' }).click();
    const row = page.locator('li[data-inhibit-rule="node-down"]');
    await row.waitFor();
    const listed = await row.textContent();
    await row.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Equal labels').fill('cluster, node');
    await page.getByRole('button', { name: 'Save' }).click();
    await row.getByText('with the same cluster, node').waitFor();
    const stored = await admin('GET', '/tenants/team-a/inhibit-rules');
    const shown = await page.locator('main').textContent();
    const navigation = await page.locator('header nav').textContent();
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    const asA = { headers: { authorization: `Bearer ${keyA}` } };
    const rulesOfB = await fetch(`${stack.httpUrl}/v1/accounts/${ACCOUNT}/tenants/team-b/inhibit-rules`, asA);
    const routers = await fetch(`${stack.httpUrl}/v1/accounts/${ACCOUNT}/routers`, asA);

    // Assess
    expect(sourceError).toMatch(/^\[1\]: /);
    expect(listed).toContain('{alertname="NodeDown", severity="critical"} mutes {severity=~"warning|info"} with the same cluster');
    expect(stored).toMatchObject({ items: expect.arrayContaining([expect.objectContaining({ id: 'node-down', equal: ['cluster', 'node'], scope: { kind: 'tenant', tenantId: 'team-a' } })]) });
    expect(await generated.textContent()).toContain('Written by the severity levels of rule group disk-tiers');
    expect(await generated.getByRole('button').count()).toBe(0);
    expect(shown).not.toContain('b-secret-inhibit');
    for (const operatorOnly of ['Routers', 'Workspaces', 'Settings', 'Clusters']) expect(navigation).not.toContain(operatorOnly);
    expect((await admin('GET', '/tenants/team-a/inhibit-rules')).items.map((rule: { id: string }) => rule.id)).not.toContain('node-down');
    expect([rulesOfB.status, routers.status]).toEqual([403, 403]);
  });

  it("lets the operator write a router after the API asks for a target and refuses a label requirement, edit and delete it", async () => {
    // Prepare
    const page = await pages.open();
    await pages.signIn(page, TEST_ADMIN_KEY, ACCOUNT);
    await page.getByRole('link', { name: 'Routers' }).click();
    await page.getByText('No routers in this account.').waitFor();
    const labels = page.locator('#router-matchLabels');
    const expressions = page.locator('#router-matchExpressions');

    // Act: a router that sends nowhere
    await page.getByRole('button', { name: 'New router' }).click();
    await page.getByLabel('Name', { exact: true }).fill('critical-pager');
    await page.getByLabel('Matchers', { exact: true }).fill('severity="critical"');
    await labels.getByRole('button', { name: 'Add a row' }).click();
    await labels.getByLabel('Key').fill('team');
    await labels.getByLabel('Value').fill('core');
    await page.getByRole('button', { name: 'Save' }).click();
    const targetError = await page.locator('#router-target-error').textContent();
    // a requirement that any namespace exists, given a value it must not have
    await page.getByLabel('Receivers', { exact: true }).fill('pager, team-a/shop-hook');
    await expressions.getByRole('button', { name: 'Add a row' }).click();
    await expressions.getByLabel('Label').fill('namespace');
    await expressions.getByLabel('Operator').selectOption('Exists');
    await expressions.getByLabel('Values').fill('shop');
    await page.getByRole('button', { name: 'Save' }).click();
    const expressionError = await page.locator('#router-matchExpressions-error').textContent();
    // a pattern the API cannot compile
    await expressions.getByLabel('Values').fill('');
    await page.getByLabel('Receiver pattern').fill('team-(a');
    await page.getByRole('button', { name: 'Save' }).click();
    const patternError = await page.locator('#router-receiverPattern-error').textContent();
    await page.getByLabel('Receiver pattern').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    const row = page.locator('li[data-router="critical-pager"]');
    await row.waitFor();
    const listed = await row.textContent();
    // disabled, then deleted
    await row.getByRole('button', { name: 'Edit' }).click();
    const shownLabel = [await labels.getByLabel('Key').inputValue(), await labels.getByLabel('Value').inputValue()];
    const shownExpression = [await expressions.getByLabel('Label').inputValue(), await expressions.getByLabel('Operator').inputValue()];
    await page.getByLabel('Enabled').uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await row.getByText('disabled').waitFor();
    const stored = await admin('GET', '/routers/critical-pager');
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No routers in this account.').waitFor();

    // Assess
    expect(targetError).toContain('name receivers, a pattern, channels or tenants');
    expect(expressionError).toContain('[0].values: must be empty for Exists');
    expect(patternError).toMatch(/\S/);
    expect(listed).toContain('{severity="critical"}');
    expect(listed).toContain('team="core"');
    expect(listed).toContain('→ pager, team-a/shop-hook');
    expect(shownLabel).toEqual(['team', 'core']);
    expect(shownExpression).toEqual(['namespace', 'Exists']);
    expect(stored).toMatchObject({
      enabled: false,
      version: 2,
      selector: { matchers: ['severity="critical"'], matchLabels: { team: 'core' }, matchExpressions: [{ key: 'namespace', operator: 'Exists' }] },
      target: { receivers: ['pager', 'team-a/shop-hook'] },
    });
    expect((await admin('GET', '/routers')).items).toEqual([]);
  });

  it('lets the operator write a workspace after the API refuses its name, edit its namespaces and delete it', async () => {
    // Prepare
    const page = await pages.open();
    await pages.signIn(page, TEST_ADMIN_KEY, ACCOUNT);
    await page.getByRole('link', { name: 'Workspaces' }).click();
    await page.getByText('No workspaces in this account.').waitFor();

    // Act
    await page.getByRole('button', { name: 'New workspace' }).click();
    await page.getByLabel('Name', { exact: true }).fill('store front');
    await page.getByLabel('Namespaces (cluster/namespace, one per line)').fill('prod-eu/shop');
    await page.getByRole('button', { name: 'Save' }).click();
    const nameError = await page.locator('#workspace-name-error').textContent();
    await page.getByLabel('Name', { exact: true }).fill('storefront');
    await page.getByRole('button', { name: 'Save' }).click();
    const row = page.locator('li[data-workspace="storefront"]');
    await row.waitFor();
    await row.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Namespaces (cluster/namespace, one per line)').fill('prod-eu/shop\nprod-us/shop');
    await page.getByRole('button', { name: 'Save' }).click();
    await row.getByText('prod-eu/shop, prod-us/shop').waitFor();
    const stored = await admin('GET', '/workspaces/storefront');
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No workspaces in this account.').waitFor();

    // Assess
    expect(nameError).toMatch(/\S/);
    expect(stored).toMatchObject({ version: 2, namespaces: [{ cluster: 'prod-eu', namespace: 'shop' }, { cluster: 'prod-us', namespace: 'shop' }] });
    expect((await adminClient(stack).call('GET', `/v1/accounts/${ACCOUNT}/workspaces/storefront`)).status).toBe(404);
  });

  it("lets the operator change the account's route policy and grouping defaults after the API refuses a duration, and reads them back after a reload", async () => {
    // Prepare
    const page = await pages.open();
    await pages.signIn(page, TEST_ADMIN_KEY, ACCOUNT);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: `Settings of account ${ACCOUNT}` }).waitFor();
    const inherited = await page.getByLabel('Group wait').getAttribute('placeholder');

    // Act
    await page.getByLabel('Route policy').selectOption('RouterFirst');
    await page.getByLabel('Group wait').fill('soon');
    await page.getByLabel('Keep notification history (days)').fill('30');
    await page.getByRole('button', { name: 'Save' }).click();
    const waitError = await page.locator('#settings-groupWait-error').textContent();
    await page.getByLabel('Group wait').fill('10s');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved (version 1).').waitFor();
    await page.reload();
    await page.getByLabel('Group wait').waitFor();

    // Assess
    expect(inherited).toBe('30s');
    expect(waitError).toMatch(/\S/);
    expect(await page.getByLabel('Route policy').inputValue()).toBe('RouterFirst');
    expect(await page.getByLabel('Group wait').inputValue()).toBe('10s');
    expect(await page.getByLabel('Keep notification history (days)').inputValue()).toBe('30');
    expect(await admin('GET', '/settings')).toMatchObject({ routePolicy: 'RouterFirst', defaultRules: true, ownGrouping: { groupWait: '10s' }, grouping: { groupWait: '10s' }, historyRetentionDays: 30, version: 1 });
  });

  it("lets the operator change a cluster's metrics endpoint after the API asks for Mimir's tenant, and require signed requests with a secret shown once", async () => {
    // Prepare
    const page = await pages.open();
    await pages.signIn(page, TEST_ADMIN_KEY, ACCOUNT);
    await page.getByRole('link', { name: 'Clusters' }).click();
    const cluster = page.locator('article[data-cluster="prod-eu"]');
    const endpoint = cluster.locator('.metrics-endpoint');
    await endpoint.getByText(prometheus.url).waitFor();
    const before = await endpoint.textContent();

    // Act: Mimir without its tenant, then with it
    try {
      await endpoint.getByRole('button', { name: 'Change the metrics endpoint' }).click();
      await endpoint.getByLabel('Type').selectOption('mimir');
      await endpoint.getByRole('button', { name: 'Save' }).click();
      const orgIdError = await endpoint.locator('.field-error').textContent();
      await endpoint.getByLabel('Tenant (orgId)').fill('team-x');
      await endpoint.getByRole('button', { name: 'Save' }).click();
      await endpoint.getByText('(mimir)').waitFor();
      const stored = await admin('GET', `/clusters/${await cluster.locator('header code').textContent()}/metrics-endpoint`);
      // signed requests: a secret shown once, then turned off
      await cluster.getByRole('button', { name: 'Require signed requests' }).click();
      const secret = (await cluster.locator('.signing code.token').textContent()) ?? '';
      await cluster.locator('header').getByText('signed requests').waitFor();
      const signedListed = (await admin('GET', '/clusters')).items.find((c: { name: string }) => c.name === 'prod-eu').signedRequests;
      await cluster.getByRole('button', { name: 'Stop requiring signed requests' }).click();
      await cluster.locator('.signing[data-signing="off"]').waitFor();
      const signedAfter = (await admin('GET', '/clusters')).items.find((c: { name: string }) => c.name === 'prod-eu').signedRequests;
      const shownAfter = await page.locator('main').textContent();

      // Assess
      expect(before).toContain('(prometheus)');
      expect(orgIdError).toBe('Mimir needs the tenant as orgId');
      expect(stored).toMatchObject({ url: prometheus.url, type: 'mimir', orgId: 'team-x', authorization: null });
      expect(secret).toMatch(/^tdgs_/);
      expect(shownAfter).not.toContain(secret);
      expect([signedListed, signedAfter]).toEqual([true, false]);
    } finally {
      // The other cases' dry runs query this endpoint as they found it.
      const id = (await admin('GET', '/clusters')).items.find((c: { name: string }) => c.name === 'prod-eu').id;
      await admin('PUT', `/clusters/${id}/metrics-endpoint`, { url: prometheus.url });
    }
  });

  it("fits a phone's width with every page the operator is offered, the navigation wrapping", async () => {
    // Prepare
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();

    // Act
    try {
      await page.goto(`${stack.httpUrl}/console`);
      await page.getByLabel('API key').fill(TEST_ADMIN_KEY);
      await page.getByLabel('Account', { exact: true }).fill(ACCOUNT);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('link', { name: 'Settings' }).waitFor();
      const links = await page.locator('header nav a').count();
      const width = Number(await page.evaluate('document.documentElement.scrollWidth'));

      // Assess
      expect(links).toBeGreaterThanOrEqual(15);
      expect(width).toBeLessThanOrEqual(390);
    } finally {
      await context.close();
    }
  });

  it('met no Content-Security-Policy violation and no script error on any page', () => {
    expect(pages.problems).toEqual([]);
  });
});
