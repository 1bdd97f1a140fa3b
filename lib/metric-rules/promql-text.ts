/** A PromQL double-quoted string literal (Go's escapes are a superset of JSON's). */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** Escapes RE2 metacharacters, as Go's regexp.QuoteMeta does. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
