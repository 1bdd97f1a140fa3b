/** Matches a request path; yields the route's parameters, decoded, or undefined when the path is another route's. */
export type PathMatcher = (path: string) => Record<string, string> | undefined;

const ESCAPE = /[.*+?^${}()|[\]\\]/g;

/**
 * Compiles a route path into a matcher. A segment `:name` or `{name}` matches
 * one path segment; `:name+` or `{name+}` matches the rest of the path (API
 * Gateway's greedy parameter). Both spellings, because the admin API's routes
 * are written `:name` and serverless.yml's are API Gateway's `{name}`.
 * `decode` receives each raw (percent-encoded) value and may refuse it by throwing.
 */
export function compilePathPattern(pattern: string, decode: (raw: string, name: string) => string = (raw) => decodeURIComponent(raw)): PathMatcher {
  const names: string[] = [];
  const source = pattern
    .split('/')
    .map((segment) => {
      const parameter = /^(?::(\w+)(\+?)|\{(\w+)(\+?)\})$/.exec(segment);
      if (parameter === null) return segment.replace(ESCAPE, '\\$&');
      names.push((parameter[1] ?? parameter[3])!);
      return (parameter[2] || parameter[4]) === '+' ? '(.+)' : '([^/]+)';
    })
    .join('/');
  const regex = new RegExp(`^${source}$`);
  return (path) => {
    const match = regex.exec(path);
    if (match === null) return undefined;
    return Object.fromEntries(names.map((name, i) => [name, decode(match[i + 1]!, name)]));
  };
}
