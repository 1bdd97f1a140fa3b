import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Tenant, TenantKeyHash } from '../tenancy/tenant.js';
import { nameSchema, type Principal } from './api-types.js';

const TENANT_KEY_PREFIX = 'tdgt';

/** A tenant API key names its account and tenant (so it can be checked with one read) and carries 256 random bits. */
export function issueTenantKey(accountId: string, tenantId: string, now: Date): { key: string; stored: TenantKeyHash } {
  const secret = randomBytes(32).toString('base64url');
  const id = randomBytes(6).toString('hex');
  return {
    key: `${TENANT_KEY_PREFIX}.${accountId}.${tenantId}.${id}.${secret}`,
    stored: { id, hash: sha256(secret), createdAt: now.toISOString() },
  };
}

/**
 * The parts of a presented tenant key, before it is checked. A key whose account
 * or tenant is not a valid name was never issued, so it is refused here rather
 * than looked up (an oversized name is not even a key the store can hold).
 */
export function parseTenantKey(key: string): { accountId: string; tenantId: string; id: string; secret: string } | undefined {
  const parts = key.split('.');
  if (parts.length !== 5 || parts[0] !== TENANT_KEY_PREFIX) return undefined;
  const [, accountId, tenantId, id, secret] = parts as [string, string, string, string, string];
  if (!nameSchema.safeParse(accountId).success || !nameSchema.safeParse(tenantId).success) return undefined;
  return { accountId, tenantId, id, secret };
}

export function verifyTenantKey(tenant: Tenant, parsed: { id: string; secret: string }): boolean {
  const stored = tenant.keys.find((key) => key.id === parsed.id);
  if (stored === undefined) return false;
  return timingSafeEqual(Buffer.from(sha256(parsed.secret), 'hex'), Buffer.from(stored.hash, 'hex'));
}

export function verifyOperatorKey(presented: string, expectedSha256: Buffer): boolean {
  const hash = createHash('sha256').update(presented).digest();
  return hash.length === expectedSha256.length && timingSafeEqual(hash, expectedSha256);
}

/** The bearer token of an Authorization header (amtool sends `Bearer` through its http config; Basic is accepted with the key as password). */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const [scheme = '', value = ''] = authorization.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer') return value || undefined;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) || undefined;
  }
  return undefined;
}

/** Whether a principal may act on objects of this account and, when given, this tenant. */
export function mayAccess(principal: Principal, accountId: string, tenantId?: string): boolean {
  if (principal.kind === 'operator') return true;
  return principal.accountId === accountId && tenantId !== undefined && principal.tenantId === tenantId;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
