/** Request headers by name, as API Gateway passes them (repeated headers joined). */
export type HeaderMap = Readonly<Record<string, string | undefined>>;

/** Case-insensitive header lookup; API Gateway v2 lower-cases names, but tests and proxies may not. */
export function header(headers: HeaderMap | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
