/**
 * Memoizes async reads for a short time: configuration changes rarely, so a
 * function re-reads it a few times a minute rather than per message, and a
 * change applies within `ttlMs`. Failed reads are not kept.
 */
export function ttlCache(ttlMs: number, now: () => number = Date.now, maxEntries = 10_000) {
  const entries = new Map<string, { value: Promise<unknown>; at: number }>();
  return function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = entries.get(key);
    if (hit !== undefined && now() - hit.at < ttlMs) return hit.value as Promise<T>;
    const value = load();
    entries.set(key, { value, at: now() });
    value.catch(() => entries.delete(key));
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    return value;
  };
}
