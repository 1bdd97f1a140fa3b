const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string encodes to UTF-8 without replacement characters (no lone surrogates, which JSON escapes can carry). */
export function isWellFormedText(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}
