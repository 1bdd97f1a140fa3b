import { useEffect, useState } from 'preact/hooks';

/**
 * Where the console is, from the URL's hash: `#/global/<page>/<arg>` or
 * `#/tenants/<tenant>/<page>/<arg>`, with a query for filters. The hash keeps
 * every page linkable while the server serves one file; keys never go in it.
 */
export interface Route {
  tenantId?: string;
  page: string;
  arg?: string;
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route | undefined {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?', 2);
  let segments: string[];
  try {
    segments = path.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  const params = new URLSearchParams(search);
  if (segments[0] === 'global') return { page: segments[1] ?? 'alerts', ...(segments[2] ? { arg: segments[2] } : {}), params };
  if (segments[0] === 'tenants' && segments[1]) {
    return { tenantId: segments[1], page: segments[2] ?? 'alerts', ...(segments[3] ? { arg: segments[3] } : {}), params };
  }
  return undefined;
}

/** The hash of a page in a scope. */
export function href(tenantId: string | undefined, page: string, arg?: string, params?: Record<string, string | undefined>): string {
  const scope = tenantId === undefined ? 'global' : `tenants/${encodeURIComponent(tenantId)}`;
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params ?? {})) if (value !== undefined && value !== '') search.set(name, value);
  const query = search.toString();
  return `#/${scope}/${page}${arg === undefined ? '' : `/${encodeURIComponent(arg)}`}${query === '' ? '' : `?${query}`}`;
}

/** The current hash, updated on navigation. */
export function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const update = () => setHash(location.hash);
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return hash;
}
