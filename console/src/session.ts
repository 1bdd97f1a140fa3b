/** Who is signed in: the key is kept in this tab's sessionStorage only, never in a URL, a cookie or localStorage. */
export interface Session {
  key: string;
  accountId: string;
  principal: { kind: 'operator' } | { kind: 'tenant'; tenantId: string };
}

const STORAGE_KEY = 'tidings.session';

/** A tenant key names its account and tenant: `tdgt.<account>.<tenant>.<id>.<secret>` (lib/api/principal.ts). */
export function tenantOfKey(key: string): { accountId: string; tenantId: string } | undefined {
  const parts = key.trim().split('.');
  if (parts.length !== 5 || parts[0] !== 'tdgt' || !parts[1] || !parts[2]) return undefined;
  return { accountId: parts[1], tenantId: parts[2] };
}

export function loadSession(): Session | undefined {
  try {
    const stored = sessionStorage.getItem(STORAGE_KEY);
    if (stored === null) return undefined;
    const session = JSON.parse(stored) as Session;
    return typeof session.key === 'string' && typeof session.accountId === 'string' ? session : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
