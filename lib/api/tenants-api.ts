import { z } from 'zod';
import type { ConfigStores } from '../aws/dynamo-config.js';
import { accessEntries, type Tenant, type Workspace } from '../tenancy/tenant.js';
import { nameSchema, parseWith } from './api-types.js';
import { issueTenantKey } from './principal.js';

const namespaceRefSchema = z.object({ cluster: z.string().min(1), namespace: z.string().min(1) });

const tenantBodySchema = z.object({
  displayName: z.string().max(200).default(''),
  bindings: z.array(namespaceRefSchema).default([]),
  workspaces: z.array(nameSchema).default([]),
});

const workspaceBodySchema = z.object({ namespaces: z.array(namespaceRefSchema).default([]) });

type TenancyStores = Pick<ConfigStores, 'tenants' | 'workspaces' | 'access'>;

/** A tenant as the API shows it: key ids and dates, never key hashes. */
export function tenantView(tenant: Tenant) {
  return {
    id: tenant.id,
    displayName: tenant.displayName,
    bindings: tenant.bindings,
    workspaces: tenant.workspaces,
    keys: tenant.keys.map((key) => ({ id: key.id, createdAt: key.createdAt })),
    version: tenant.version,
    createdAt: tenant.createdAt,
    updatedAt: tenant.updatedAt,
  };
}

async function workspaceMap(stores: TenancyStores, accountId: string, names: readonly string[]): Promise<Map<string, Workspace>> {
  const found = await Promise.all(names.map((name) => stores.workspaces.get(accountId, name)));
  return new Map(found.filter((w): w is Workspace => w !== undefined).map((w) => [w.name, w]));
}

/** The item a store would write, for joining a tenant write to its access-index transaction. */
function conditionalPut(accountId: string, kind: string, id: string, object: object & { version: number }, expectedVersion: number) {
  return {
    Item: { ...object, pk: `ACCOUNT#${accountId}`, sk: `${kind}#${id}` },
    ...(expectedVersion === 0
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
  };
}

/**
 * Creates or replaces a tenant and rewrites its access-index entries in the
 * same transaction, so a revoked binding stops routing at once.
 */
export async function putTenant(
  accountId: string,
  tenantId: string,
  body: unknown,
  expectedVersion: number | undefined,
  deps: { stores: TenancyStores; now: () => Date },
): Promise<Tenant> {
  const request = parseWith(tenantBodySchema, body);
  const current = await deps.stores.tenants.get(accountId, tenantId);
  const version = expectedVersion ?? current?.version ?? 0;
  const now = deps.now().toISOString();
  const tenant: Tenant = {
    accountId,
    id: tenantId,
    displayName: request.displayName,
    bindings: request.bindings,
    workspaces: request.workspaces,
    keys: current?.keys ?? [],
    createdAt: current?.createdAt ?? now,
    updatedAt: now,
    version: version + 1,
  };
  await writeTenant(accountId, current, tenant, version, deps.stores);
  return tenant;
}

async function writeTenant(accountId: string, before: Tenant | undefined, after: Tenant | undefined, expectedVersion: number, stores: TenancyStores) {
  const names = [...new Set([...(before?.workspaces ?? []), ...(after?.workspaces ?? [])])];
  const workspaces = await workspaceMap(stores, accountId, names);
  const previous = before === undefined ? [] : accessEntries(before, workspaces);
  const next = after === undefined ? [] : accessEntries(after, workspaces);
  const target = after ?? before!;
  await stores.access.replace(accountId, previous, next, after === undefined ? {} : conditionalPut(accountId, 'TENANT', target.id, after, expectedVersion));
}

/** Deletes a tenant with its access entries. Its receivers, silences and rules stay until removed (they match nothing without access). */
export async function deleteTenant(accountId: string, tenantId: string, deps: { stores: TenancyStores }): Promise<boolean> {
  const current = await deps.stores.tenants.get(accountId, tenantId);
  if (current === undefined) return false;
  const workspaces = await workspaceMap(deps.stores, accountId, current.workspaces);
  await deps.stores.access.replace(accountId, accessEntries(current, workspaces), [], {});
  return deps.stores.tenants.delete(accountId, tenantId);
}

/** Issues a tenant API key; the key is shown once, only its hash is kept. */
export async function createTenantKey(accountId: string, tenantId: string, deps: { stores: TenancyStores; now: () => Date }) {
  const tenant = await deps.stores.tenants.get(accountId, tenantId);
  if (tenant === undefined) return undefined;
  const { key, stored } = issueTenantKey(accountId, tenantId, deps.now());
  await deps.stores.tenants.put(accountId, tenantId, { ...tenant, keys: [...tenant.keys, stored], version: tenant.version + 1 }, tenant.version);
  return { id: stored.id, key, createdAt: stored.createdAt };
}

export async function revokeTenantKey(accountId: string, tenantId: string, keyId: string, deps: { stores: TenancyStores }) {
  const tenant = await deps.stores.tenants.get(accountId, tenantId);
  if (tenant === undefined || !tenant.keys.some((key) => key.id === keyId)) return false;
  await deps.stores.tenants.put(
    accountId,
    tenantId,
    { ...tenant, keys: tenant.keys.filter((key) => key.id !== keyId), version: tenant.version + 1 },
    tenant.version,
  );
  return true;
}

/**
 * Creates or replaces a workspace, then re-derives the access entries of every
 * tenant bound to it (one transaction per tenant, each also bumping the tenant).
 */
export async function putWorkspace(
  accountId: string,
  name: string,
  body: unknown,
  expectedVersion: number | undefined,
  deps: { stores: TenancyStores; now: () => Date },
): Promise<Workspace> {
  const request = parseWith(workspaceBodySchema, body);
  const current = await deps.stores.workspaces.get(accountId, name);
  const version = expectedVersion ?? current?.version ?? 0;
  const now = deps.now().toISOString();
  const workspace: Workspace = {
    accountId,
    name,
    namespaces: request.namespaces,
    createdAt: current?.createdAt ?? now,
    updatedAt: now,
    version: version + 1,
  };
  await deps.stores.workspaces.put(accountId, name, workspace, version);
  await reindexTenantsOf(accountId, name, current, workspace, deps.stores);
  return workspace;
}

export async function deleteWorkspace(accountId: string, name: string, deps: { stores: TenancyStores }): Promise<boolean> {
  const current = await deps.stores.workspaces.get(accountId, name);
  if (current === undefined) return false;
  await deps.stores.workspaces.delete(accountId, name);
  await reindexTenantsOf(accountId, name, current, undefined, deps.stores);
  return true;
}

async function reindexTenantsOf(accountId: string, name: string, before: Workspace | undefined, after: Workspace | undefined, stores: TenancyStores) {
  const tenants = (await stores.tenants.all(accountId)).filter((tenant) => tenant.workspaces.includes(name));
  for (const tenant of tenants) {
    const others = await workspaceMap(stores, accountId, tenant.workspaces.filter((w) => w !== name));
    const withBefore = new Map(others);
    if (before !== undefined) withBefore.set(name, before);
    const withAfter = new Map(others);
    if (after !== undefined) withAfter.set(name, after);
    const bumped = { ...tenant, version: tenant.version + 1 };
    await stores.access.replace(
      accountId,
      accessEntries(tenant, withBefore),
      accessEntries(tenant, withAfter),
      conditionalPut(accountId, 'TENANT', tenant.id, bumped, tenant.version),
    );
  }
}
