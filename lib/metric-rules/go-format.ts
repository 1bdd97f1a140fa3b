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

/** Decimal digits of |value| rounded to `significant` digits, as Go rounds: to the nearest, an exact tie to even. */
function roundedDigits(value: number, significant: number): { digits: string; exponent: number } {
  const magnitude = Math.abs(value);
  // JavaScript rounds exact ties up; Go (strconv) rounds them to even.
  const up = magnitude.toExponential(significant - 1);
  const longer = magnitude.toExponential(Math.min(100, significant));
  const exact = magnitude.toExponential(100);
  const [longMantissa] = longer.split('e') as [string];
  const tie = longMantissa.endsWith('5') && /^[0.]*$/.test(exact.split('e')[0]!.replace('.', '').slice(significant + 1));
  let text = up;
  if (tie) {
    const [mantissa, exponentText] = longer.split('e') as [string, string];
    const truncated = mantissa.slice(0, -1).replace(/\.$/, '');
    const lastDigit = Number(truncated.replace('.', '').slice(-1));
    if (lastDigit % 2 === 0) text = `${truncated}e${exponentText}`;
  }
  const [mantissa, exponentText] = text.split('e') as [string, string];
  return { digits: mantissa.replace('.', ''), exponent: Number(exponentText) };
}

function specialFloat(value: number): string | undefined {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return undefined;
}

const exponentPart = (exponent: number) => `e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;

/** Go's `%.<precision>e`: one digit, the point, `precision` digits, a two-digit exponent at least. */
export function formatGoExponent(value: number, precision = 6): string {
  const special = specialFloat(value);
  if (special !== undefined) return special;
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (value === 0) return `${sign}${precision > 0 ? `0.${'0'.repeat(precision)}` : '0'}e+00`;
  const { digits, exponent } = roundedDigits(value, precision + 1);
  return `${sign}${digits[0]}${precision > 0 ? `.${digits.slice(1)}` : ''}${exponentPart(exponent)}`;
}

/** Go's `%.<precision>f`, exact ties rounded to even. */
export function formatGoFixed(value: number, precision = 6): string {
  const special = specialFloat(value);
  if (special !== undefined) return special;
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e21) return `${sign}${BigInt(magnitude).toString()}${precision > 0 ? `.${'0'.repeat(precision)}` : ''}`;
  if (magnitude === 0) return `${sign}${precision > 0 ? `0.${'0'.repeat(precision)}` : '0'}`;
  const exponent = Math.floor(Math.log10(magnitude));
  // Significant digits needed to reach `precision` places after the point (at least one, for rounding).
  const significant = exponent + 1 + precision;
  if (significant <= 0) {
    // Below half a unit of the last place rounds to zero, above it to one unit (an exact half only at precision 0: to even, zero).
    const unit = magnitude > 0.5 * 10 ** -precision ? '1' : '0';
    return `${sign}${precision > 0 ? `0.${'0'.repeat(precision - 1)}${unit}` : unit}`;
  }
  const { digits, exponent: roundedExponent } = roundedDigits(magnitude, Math.min(significant, 100));
  const padded = digits.padEnd(roundedExponent + 1 + precision, '0');
  const pointAt = roundedExponent + 1;
  const integer = pointAt <= 0 ? '0' : padded.slice(0, pointAt);
  const fraction = pointAt <= 0 ? `${'0'.repeat(-pointAt)}${padded}`.slice(0, precision) : padded.slice(pointAt, pointAt + precision);
  return `${sign}${integer}${precision > 0 ? `.${fraction}` : ''}`;
}

/** Go's `%.<precision>g`: `precision` significant digits, trailing zeros dropped, exponent form below 1e-4 or from 10^precision. */
export function formatGoGeneral(value: number, precision: number): string {
  const special = specialFloat(value);
  if (special !== undefined) return special;
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (value === 0) return `${sign}0`;
  const rounded = roundedDigits(value, Math.max(1, precision));
  const digits = rounded.digits.replace(/0+$/, '') || '0';
  const exponent = rounded.exponent;
  // strconv: when the digits all sit before the point, the precision for this decision is their count.
  const pointPosition = exponent + 1;
  const exponentLimit = precision > digits.length && digits.length >= pointPosition ? digits.length : precision;
  if (exponent < -4 || exponent >= exponentLimit) {
    return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}${exponentPart(exponent)}`;
  }
  if (pointPosition <= 0) return `${sign}0.${'0'.repeat(-pointPosition)}${digits}`;
  if (pointPosition >= digits.length) return `${sign}${digits}${'0'.repeat(pointPosition - digits.length)}`;
  return `${sign}${digits.slice(0, pointPosition)}.${digits.slice(pointPosition)}`;
}
