/**
 * Who an object belongs to: the account's operator (global) or one tenant.
 * Stores take owners; how an owner becomes part of a storage key is the
 * adapters' business (lib/aws), so nothing else depends on key formats.
 */
export type Owner = { kind: 'global' } | { kind: 'tenant'; tenantId: string };

/** The operator's objects (frozen: objects built from it are stored). */
export const GLOBAL_OWNER: Owner = Object.freeze({ kind: 'global' });

/** The owner an optional tenant id names: the operator without one. */
export function ownerOf(tenantId: string | undefined): Owner {
  return tenantId === undefined ? { kind: 'global' } : { kind: 'tenant', tenantId };
}

