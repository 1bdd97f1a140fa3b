import * as z from 'zod';
import type { ConfigStores } from '../configs/config-stores.js';
import type { Owner } from '../tenancy/owner.js';
import { accessEntries, type AccessEntry, type Tenant, type Workspace } from '../tenancy/tenant.js';
import { nameSchema, notFound, parseWith } from './api-types.js';
import { issueTenantKey } from './principal.js';
import type { RuleStores } from '../configs/config-stores.js';

const namespaceRefSchema = z.strictObject({ cluster: z.string().min(1), namespace: z.string().min(1) });

/** The body of PUT .../tenants/:tenant. */
export const tenantBodySchema = z.strictObject({
  displayName: z.string().max(200).default(''),
  bindings: z.array(namespaceRefSchema).default([]),
  workspaces: z.array(nameSchema).default([]),
});

/** The body of PUT .../workspaces/:workspace. */
export const workspaceBodySchema = z.strictObject({ namespaces: z.array(namespaceRefSchema).default([]) });

type TenancyStores = Pick<ConfigStores, 'tenants' | 'workspaces' | 'access'>;

/** Every store that holds objects owned by a tenant, for deleting them with it. */
export interface TenantOwnedStores {
  stores: Pick<ConfigStores, 'tenants' | 'workspaces' | 'access' | 'receivers' | 'configs' | 'templateSets' | 'languagePacks' | 'silences' | 'inhibitRules'>;
  rules: RuleStores;
}

/** A tenant as the API shows it (see {@link tenantView}). */
export const tenantViewSchema = z.strictObject({
  id: z.string(),
  displayName: z.string(),
  bindings: z.array(namespaceRefSchema),
  workspaces: z.array(z.string()),
  keys: z.array(z.strictObject({ id: z.string(), createdAt: z.string() })),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TenantView = z.infer<typeof tenantViewSchema>;

/** A new tenant key: the only answer that ever holds the key itself. */
export const tenantKeySchema = z.strictObject({ id: z.string(), key: z.string(), createdAt: z.string() });

/** A workspace as stored and shown. */
export const workspaceSchema = z.strictObject({
  accountId: z.string(),
  name: z.string(),
  namespaces: z.array(namespaceRefSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});

/** A tenant as the API shows it: key ids and dates, never key hashes. */
export function tenantView(tenant: Tenant): TenantView {
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

/**
 * Creates or replaces a tenant and rewrites its access-index entries in the
 * same transaction, so a revoked binding stops routing at once.
 */
export async function putTenant(
  accountId: string,
  tenantId: string,
  body: unknown,
  expectedVersion: number | undefined,
  deps: TenantOwnedStores & { now: () => Date },
): Promise<Tenant> {
  const request = parseWith(tenantBodySchema, body);
  const current = await deps.stores.tenants.get(accountId, tenantId);
  // A new tenant starts empty: whatever an earlier tenant of this name left (a delete that stopped half-way) goes first.
  if (current === undefined) await purgeTenantObjects(accountId, tenantId, deps);
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
  await stores.access.replace(accountId, previous, next, after === undefined ? undefined : { put: after, expectedVersion });
}

/**
 * Deletes a tenant and everything it owns. First, in one transaction, the
 * tenant item (with its keys) and its access entries: from then on its keys
 * fail, routing no longer reaches it and its paths answer 404. Then its
 * objects, found by owner prefix. A delete that stops in between leaves only
 * unreachable objects, which a retried DELETE removes, and which `putTenant`
 * removes before a tenant of the same name is created, so they are never
 * inherited. (A generation id on every owned key would also hide them, but
 * would reach into every store and reader and still leave credentials at rest.)
 * Safe to repeat: answers whether there was anything to delete.
 */
export async function deleteTenant(accountId: string, tenantId: string, deps: TenantOwnedStores): Promise<boolean> {
  const current = await deps.stores.tenants.get(accountId, tenantId);
  if (current !== undefined) await retireTenant(accountId, current, deps.stores);
  const purged = await purgeTenantObjects(accountId, tenantId, deps);
  return current !== undefined || purged > 0;
}

/** Removes the tenant item and its access entries together (the last batch of entries shares the tenant's transaction). */
export async function retireTenant(accountId: string, tenant: Tenant, stores: TenancyStores): Promise<void> {
  const workspaces = await workspaceMap(stores, accountId, tenant.workspaces);
  const entries = accessEntries(tenant, workspaces);
  const batch = 98;
  // More entries than one transaction holds: drop the surplus first; stopping here only leaves the tenant with less access.
  let rest: AccessEntry[] = entries;
  while (rest.length > batch) {
    await stores.access.replace(accountId, rest.slice(0, batch), []);
    rest = rest.slice(batch);
  }
  await stores.access.replace(accountId, rest, [], { delete: tenant });
}

/**
 * Deletes every object stored with this tenant as owner: receivers, configs,
 * template sets, language packs, event and audit rules, rule definitions,
 * metric rule groups, inhibit rules and silences. Idempotent; answers how many it deleted.
 */
export async function purgeTenantObjects(accountId: string, tenantId: string, deps: TenantOwnedStores): Promise<number> {
  const { stores, rules } = deps;
  const owner: Owner = { kind: 'tenant', tenantId };
  const [receivers, configs, templateSets, languagePacks, tenantRules, inhibitRules, silences, ruleGroups] = await Promise.all([
    stores.receivers.listTenant(accountId, tenantId),
    stores.configs.all(accountId, owner),
    stores.templateSets.all(accountId, owner),
    stores.languagePacks.all(accountId, owner),
    rules.rules.all(accountId, owner),
    stores.inhibitRules.all(accountId, owner),
    stores.silences.all(accountId),
    rules.ruleGroups.list(accountId, { level: 'namespace', tenantId }),
  ]);
  const deletions: Array<() => Promise<boolean>> = [
    ...receivers.map((r) => () => stores.receivers.delete({ accountId, tenantId, name: r.name })),
    ...configs.map((c) => () => stores.configs.delete(accountId, owner, c.name)),
    ...templateSets.map((t) => () => stores.templateSets.delete(accountId, owner, t.name)),
    ...languagePacks.map((p) => () => stores.languagePacks.delete(accountId, owner, p.code)),
    ...tenantRules.map((r) => () => rules.rules.delete(accountId, owner, r.name)),
    () => rules.definitions.delete(accountId, owner),
    ...ruleGroups.map((g) => () => rules.ruleGroups.delete(accountId, { level: 'namespace', tenantId, name: g.name })),
    ...inhibitRules.map((r) => () => stores.inhibitRules.delete(accountId, owner, r.id)),
    ...silences.filter((s) => s.scope.kind === 'tenant' && s.scope.tenantId === tenantId).map((s) => () => stores.silences.delete(accountId, s.id)),
  ];
  let deleted = 0;
  // A few at a time: a tenant with hundreds of objects must not burst the table's write capacity.
  for (let i = 0; i < deletions.length; i += 10) {
    const results = await Promise.all(deletions.slice(i, i + 10).map((remove) => remove()));
    deleted += results.filter(Boolean).length;
  }
  return deleted;
}

/**
 * The tenant a tenant-scoped path names. Objects of a tenant that does not
 * exist are never read or written: written, a later tenant of that name
 * would inherit them.
 */
export async function existingTenant(accountId: string, tenantId: string, stores: Pick<ConfigStores, 'tenants'>): Promise<Tenant> {
  const tenant = await stores.tenants.get(accountId, tenantId);
  if (tenant === undefined) throw notFound('tenant');
  return tenant;
}

/** Issues a tenant API key; the key is shown once, only its hash is kept. */
export async function createTenantKey(accountId: string, tenantId: string, deps: { stores: TenancyStores; now: () => Date }): Promise<z.infer<typeof tenantKeySchema> | undefined> {
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
    await stores.access.replace(accountId, accessEntries(tenant, withBefore), accessEntries(tenant, withAfter), { put: bumped, expectedVersion: tenant.version });
  }
}
