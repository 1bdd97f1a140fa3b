import type { AlertmanagerDependencies, AlertmanagerScope } from '../../../lib/api/alertmanager-v2.js';
import { alertmanagerApi } from '../../../lib/api/alertmanager-v2.js';
import type { ApiRequest, ApiResponse } from '../../../lib/api/api-types.js';
import type { ConfigStores, FiringAlert, StoredInhibitRule, StoredSilence } from '../../../lib/configs/config-stores.js';
import { VersionConflictError, type Receiver } from '../../../lib/receivers/receiver.js';

/** What the memory Alertmanager's stores hold besides silences: all for tenant team-a of account acme, bound to prod/shop. */
export interface MemoryAlertmanagerContents {
  firing?: FiringAlert[];
  receivers?: Receiver[];
  inhibitRules?: StoredInhibitRule[];
}

/**
 * The stores tidings' Alertmanager API reads, in memory: silences with the
 * DynamoDB store's version check; firing alerts, team-a's receivers and
 * inhibit rules as given; team-a bound to (prod, shop). Enough to run the
 * API's use case, routing included, without DynamoDB Local.
 */
export function memoryAlertmanager(now: () => Date = () => new Date(), contents: MemoryAlertmanagerContents = {}) {
  const silences = new Map<string, StoredSilence>();
  const tenant = { accountId: 'acme', id: 'team-a', displayName: 'team-a', bindings: [{ cluster: 'prod', namespace: 'shop' }], workspaces: [], keys: [], createdAt: '', updatedAt: '', version: 1 };
  const receivers = contents.receivers ?? [];
  const stores = {
    silences: {
      all: async (accountId: string) => [...silences.values()].filter((s) => s.accountId === accountId),
      get: async (_accountId: string, id: string) => silences.get(id),
      put: async (_accountId: string, id: string, item: StoredSilence, expectedVersion: number) => {
        if ((silences.get(id)?.version ?? 0) !== expectedVersion) throw new VersionConflictError(id);
        silences.set(id, item);
      },
    },
    firing: { list: async () => contents.firing ?? [] },
    inhibitRules: { all: async () => contents.inhibitRules ?? [] },
    tenants: { get: async (_accountId: string, id: string) => (id === tenant.id ? tenant : undefined), page: async () => ({ items: [tenant] }) },
    workspaces: { get: async () => undefined },
    settings: { get: async () => undefined },
    routers: { all: async () => [] },
    receivers: {
      listGlobal: async () => receivers.filter((r) => r.tenantId === undefined),
      listTenant: async (_accountId: string, tenantId: string) => receivers.filter((r) => r.tenantId === tenantId),
    },
    access: {
      tenantsOf: async (_accountId: string, cluster: string, namespace: string) =>
        tenant.bindings.some((b) => b.cluster === cluster && b.namespace === namespace) ? [{ cluster, namespace, tenantId: tenant.id, via: { kind: 'binding' } }] : [],
    },
  } as unknown as ConfigStores;
  const deps: AlertmanagerDependencies = { stores, now, startedAt: now() };
  const scope: AlertmanagerScope = { accountId: 'acme', tenantId: 'team-a' };

  /** One call as amtool makes it: `path` may carry a query (`/api/v2/silences?filter=...`). */
  const call = (method: string, path: string, body?: unknown): Promise<ApiResponse> => {
    const url = new URL(path, 'http://tidings.invalid');
    const request: ApiRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      queryAll: (name) => url.searchParams.getAll(name),
      header: () => undefined,
      json: () => body,
      principal: { kind: 'tenant', accountId: scope.accountId, tenantId: scope.tenantId! },
    };
    return alertmanagerApi(scope, url.pathname, request, deps);
  };
  return { silences, stores, deps, scope, call };
}
