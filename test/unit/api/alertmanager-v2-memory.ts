import type { AlertmanagerDependencies, AlertmanagerScope } from '../../../lib/api/alertmanager-v2.js';
import { alertmanagerApi } from '../../../lib/api/alertmanager-v2.js';
import type { ApiRequest, ApiResponse } from '../../../lib/api/api-types.js';
import type { ConfigStores, StoredSilence } from '../../../lib/configs/config-stores.js';
import { VersionConflictError } from '../../../lib/receivers/receiver.js';

/**
 * The stores tidings' Alertmanager API reads, in memory: silences with the
 * DynamoDB store's version check, no firing alerts, no inhibit rules. Enough
 * to run the API's use case without DynamoDB Local.
 */
export function memoryAlertmanager(now: () => Date = () => new Date()) {
  const silences = new Map<string, StoredSilence>();
  const stores = {
    silences: {
      all: async (accountId: string) => [...silences.values()].filter((s) => s.accountId === accountId),
      get: async (_accountId: string, id: string) => silences.get(id),
      put: async (_accountId: string, id: string, item: StoredSilence, expectedVersion: number) => {
        if ((silences.get(id)?.version ?? 0) !== expectedVersion) throw new VersionConflictError(id);
        silences.set(id, item);
      },
    },
    firing: { list: async () => [] },
    inhibitRules: { all: async () => [] },
    tenants: { get: async (_accountId: string, name: string) => ({ name, displayName: name, bindings: [], workspaces: [] }) },
    workspaces: { get: async () => undefined },
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
