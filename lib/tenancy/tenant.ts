/** A namespace of a cluster, the unit of access. */
export interface NamespaceRef {
  cluster: string;
  namespace: string;
}

/** A stored tenant API key: only its hash. */
export interface TenantKeyHash {
  id: string;
  hash: string;
  createdAt: string;
}

/** A user or team: sees the alerts of the namespaces it is bound to, directly or through workspaces. */
export interface Tenant {
  accountId: string;
  id: string;
  displayName: string;
  bindings: NamespaceRef[];
  workspaces: string[];
  keys: TenantKeyHash[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** A named group of namespaces, possibly across clusters, as in KubeSphere. */
export interface Workspace {
  accountId: string;
  name: string;
  namespaces: NamespaceRef[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** How a tenant reaches a namespace: a direct binding or a workspace. */
export interface AccessEntry extends NamespaceRef {
  tenantId: string;
  via: { kind: 'binding' } | { kind: 'workspace'; workspace: string };
}

/** The key routing looks tenants up by: no scan, one query per (cluster, namespace). */
export function accessKey(cluster: string, namespace: string): string {
  return `${cluster}\u0000${namespace}`;
}

/**
 * Every (cluster, namespace) a tenant may see, with how: its direct bindings
 * and the namespaces of the workspaces it is bound to. Unknown workspaces give
 * nothing (a binding to a workspace that does not exist yet grants no access).
 */
export function accessEntries(tenant: Tenant, workspaces: ReadonlyMap<string, Workspace>): AccessEntry[] {
  const entries = new Map<string, AccessEntry>();
  for (const ref of tenant.bindings) {
    entries.set(accessKey(ref.cluster, ref.namespace), { ...ref, tenantId: tenant.id, via: { kind: 'binding' } });
  }
  for (const name of tenant.workspaces) {
    for (const ref of workspaces.get(name)?.namespaces ?? []) {
      const key = accessKey(ref.cluster, ref.namespace);
      if (!entries.has(key)) entries.set(key, { ...ref, tenantId: tenant.id, via: { kind: 'workspace', workspace: name } });
    }
  }
  return [...entries.values()];
}
