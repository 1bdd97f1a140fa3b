import type { Owner } from '../tenancy/owner.js';

/**
 * How an owner is written into the config table's sort keys: objects named
 * within an owner have ids `GLOBAL#<name>` or `TENANT#<tenant>#<name>`, so one
 * query by prefix reads an owner's objects. Only lib/aws knows this format.
 */
export function ownerPrefix(owner: Owner): string {
  return owner.kind === 'global' ? 'GLOBAL#' : `TENANT#${owner.tenantId}#`;
}

/** An object's id within its account: its owner's prefix and its name. */
export function ownedId(owner: Owner, name: string): string {
  return `${ownerPrefix(owner)}${name}`;
}

/** The id of an owner's one item of a kind (rule definitions): `GLOBAL` or `TENANT#<tenant>`; also stored in the item's `owner` attribute. */
export function ownerKey(owner: Owner): string {
  return owner.kind === 'global' ? 'GLOBAL' : `TENANT#${owner.tenantId}`;
}

/** The owner an `ownerKey` names. */
export function ownerFromKey(key: string): Owner {
  if (key === 'GLOBAL') return { kind: 'global' };
  if (key.startsWith('TENANT#')) return { kind: 'tenant', tenantId: key.slice('TENANT#'.length) };
  throw new Error(`not an owner key: ${key}`);
}
