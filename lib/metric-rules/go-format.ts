/**
 * A float64 as Go's `%v` prints it (strconv 'g', shortest digits, exponent
 * below 1e-4 and from 1e+06), which is how Prometheus shows `$value` in
 * templates: `0.5`, `123456`, `1e+06`, `1.234567e+06`, `1.234e-05`, `+Inf`.
 */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  // toExponential() with no argument gives the shortest digits that read back as the same number, as Go's shortest mode.
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  // Within 1e-4 and 1e+06 JavaScript prints the same shortest digits without an exponent.
  return String(value);
}
