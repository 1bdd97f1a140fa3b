import { describe, expect, it } from 'vitest';
import { handleApiRequest, type ApiDependencies } from '../../../lib/api/api-routes.js';
import type { ApiRequest } from '../../../lib/api/api-types.js';
import { InvalidPayloadError } from '../../../lib/ingest/ingest-errors.js';
import { channelRegistry } from '../../../lib/notify/channel-registry.js';

/** Any use of it fails: a body with an unknown field must be refused before anything is read or written. */
const unreachable: any = new Proxy(function unreachableDependency() {}, {
  get: (_target, property) => (property === 'then' ? undefined : unreachable),
  apply: () => {
    throw new Error('a dependency was reached although the body should have been refused first');
  },
});

/** What the routes below may read before they look at the body: the tenant in the path, the cluster, the silence. */
const readable: Record<string, unknown> = {
  tenants: { get: async (accountId: string, id: string) => ({ accountId, id, keys: [], bindings: [], workspaces: [], createdAt: '2026-01-01T00:00:00.000Z', version: 1 }) },
  silences: {
    get: async (accountId: string, id: string) => ({ id, accountId, scope: { kind: 'global' }, matchers: [], startsAt: '2026-11-25T09:00:00Z', createdBy: 'a', comment: 'c', version: 1 }),
  },
};
const deps = new Proxy(
  {},
  {
    get: (_target, property) => {
      if (property === 'now') return () => new Date('2026-11-25T10:00:00Z');
      if (property === 'channels') return channelRegistry;
      if (property === 'clusters') return { get: async (id: string) => ({ id, accountId: 'acme', name: 'prod', tokens: [], createdAt: '2026-01-01T00:00:00Z' }) };
      if (property !== 'stores') return unreachable;
      return new Proxy({}, { get: (_stores, store) => readable[store as string] ?? unreachable });
    },
  },
) as ApiDependencies;

/** The fields a request's 400 names. */
async function refusedFields(method: string, path: string, body: unknown): Promise<string[]> {
  const request: ApiRequest = { method, path, query: {}, queryAll: () => [], header: () => undefined, json: () => body, principal: { kind: 'operator' } };
  const error = await handleApiRequest(request, deps).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(InvalidPayloadError);
  return (error as InvalidPayloadError).issues.map((issue) => issue.field).sort();
}

const A = '/v1/accounts/acme';
const T = `${A}/tenants/team-a`;
const silence = { matchers: ['alertname="X"'], endsAt: '2026-11-25T12:00:00Z', createdBy: 'ops', comment: 'maintenance' };
const matchers = { sourceMatchers: ['alertname="NodeDown"'], targetMatchers: ['severity="warning"'] };

// Each body is valid but for the fields it names.
const cases: Array<[string, string, string, unknown, string[]]> = [
  ['a cluster', 'POST', `${A}/clusters`, { name: 'prod', region: 'eu' }, ['region']],
  ['a token rotation', 'POST', `${A}/clusters/c1/tokens`, { overlapp: '1h' }, ['overlapp']],
  ['account settings', 'PUT', `${A}/settings`, { routePolicy: 'All', grouping: { groupin: ['alertname'] }, retention: 3 }, ['grouping.groupin', 'retention']],
  ['a tenant', 'PUT', T, { displayName: 'A', bindings: [{ cluster: 'c', namespace: 'n', ns: 'x' }], owner: 'x' }, ['bindings[0].ns', 'owner']],
  ['a workspace', 'PUT', `${A}/workspaces/w`, { namespaces: [{ cluster: 'c', namespace: 'n', cluser: 'd' }] }, ['namespaces[0].cluser']],
  ['a receiver (top level)', 'PUT', `${A}/receivers/hook`, { channel: 'webhook', settings: { url: 'https://hooks.example.com/x' }, groupin: ['alertname'] }, ['groupin']],
  ['a receiver (grouping)', 'PUT', `${A}/receivers/hook`, { channel: 'webhook', settings: { url: 'https://hooks.example.com/x' }, grouping: { groupin: ['alertname'] } }, ['grouping.groupin']],
  ['a receiver (settings)', 'PUT', `${A}/receivers/hook`, { channel: 'webhook', settings: { url: 'https://hooks.example.com/x', secretHeader: 'x' } }, ['settings.secretHeader']],
  [
    "a tenant's receiver (nested settings)",
    'PUT',
    `${T}/receivers/mail`,
    { channel: 'email-smtp', settings: { host: 'smtp.example.com', from: 'a@example.com', to: ['b@example.com'], auth: { user: 'u', password: 'p', pass: 'p' } } },
    ['settings.auth.pass'],
  ],
  [
    'a receiver (filter, presentation)',
    'PUT',
    `${A}/receivers/hook`,
    {
      channel: 'webhook',
      settings: { url: 'https://hooks.example.com/x' },
      filter: { matchExpressions: [{ key: 'a', operator: 'In', values: ['b'], value: 'b' }], matchers: [{ name: 'a', value: 'b', isRegex: false, regex: true }] },
      presentation: { lang: 'en', templates: { subject: 'x' } },
    },
    ['filter.matchExpressions[0].value', 'filter.matchers[0].regex', 'presentation.lang', 'presentation.templates.subject'],
  ],
  ['a config', 'PUT', `${A}/configs/hook`, { channel: 'webhook', lables: {}, settings: { url: 'https://hooks.example.com/x' } }, ['lables']],
  ["a config's settings", 'PUT', `${T}/configs/hook`, { channel: 'webhook', settings: { url: 'https://hooks.example.com/x', urll: 'x' } }, ['settings.urll']],
  ['a template set', 'PUT', `${A}/template-sets/t`, { templates: { title: 'x', subject: 'y' }, description: 'd' }, ['description', 'templates.subject']],
  ['a language pack', 'PUT', `${T}/language-packs/fr`, { dictionary: { firing: 'en feu' }, language: 'fr' }, ['language']],
  ['a silence', 'POST', `${A}/silences`, { ...silence, author: 'x' }, ['author']],
  ['a silence schedule', 'POST', `${T}/silences`, { ...silence, endsAt: undefined, schedule: { cron: '0 2 * * *', duration: '2h', tz: 'UTC' } }, ['schedule.tz']],
  ['a silence update', 'PUT', `${A}/silences/s1`, { ...silence, matchers: [{ name: 'a', value: 'b', isRegex: false, regex: false }] }, ['matchers[0].regex']],
  ['an inhibit rule', 'PUT', `${A}/inhibit-rules/r`, { ...matchers, equals: ['node'] }, ['equals']],
  ['an explain request', 'POST', `${T}/explain`, { labels: { alertname: 'X' }, annotations: {} }, ['annotations']],
  [
    'a rule',
    'PUT',
    `${A}/rules/r`,
    { signal: 'event', condition: 'type = "Warning"', scope: { level: 'namespace', namespace: 'shop', ns: 'x' }, resolveAfter: 60 },
    ['resolveAfter', 'scope.ns'],
  ],
  ['a dry run', 'POST', `${A}/rules-dry-run`, { event: {}, clusters: 'prod' }, ['clusters']],
  ['rule definitions', 'PUT', `${T}/rule-definitions`, { macros: {}, macro: {} }, ['macro']],
  [
    'a router',
    'PUT',
    `${A}/routers/r`,
    { selector: { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'a', operator: 'Exists', value: 'x' }] }, target: { tenants: ['a'], tenant: 'b' }, selectors: {} },
    ['selector.matchExpressions[0].value', 'selectors', 'target.tenant'],
  ],
  ['a dead-letter replay', 'POST', `${A}/dead-letters/replay`, { queue: 'delivery', receivers: 'x' }, ['receivers']],
];

describe('admin API bodies', () => {
  it.each(cases)('refuse unknown fields in %s with a 400 naming each', async (_what, method, path, body, fields) => {
    expect(await refusedFields(method, path, body)).toEqual(fields);
  });
});
