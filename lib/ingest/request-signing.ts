/**
 * Request signing (optional, per cluster).
 *
 * For the README:
 *
 * ```text
 * X-Tidings-Timestamp: <unix seconds>
 * X-Tidings-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 * ```
 *
 * - The raw body is the exact bytes sent on the wire: before any gzip or
 *   deflate is undone, so a client signs what it sends.
 * - The signature header may carry several comma-separated `v1=` values, so a
 *   client rotating its secret can sign with the old and the new one; the
 *   server, for its part, accepts any of the cluster's current secrets while a
 *   rotation overlaps.
 * - The timestamp must be within 5 minutes of the server's clock, either way;
 *   a captured request cannot be replayed later, and clock skew in either
 *   direction is tolerated up to that window.
 * - Comparison is constant-time on the decoded digests.
 *
 * Example (shell): `ts=$(date +%s); sig=$(printf '%s.%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$secret" -hex | cut -d' ' -f2)`
 * then `curl -H "X-Tidings-Timestamp: $ts" -H "X-Tidings-Signature: v1=$sig" --data "$body" ...`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the unix time (seconds) the request was signed at. */
export const TIMESTAMP_HEADER = 'x-tidings-timestamp';
/** Header carrying `v1=<hex>` signatures. */
export const SIGNATURE_HEADER = 'x-tidings-signature';
/** Default replay window, applied in both directions. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

const SIGNATURE_VERSION = 'v1';
const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;
const UNIX_SECONDS = /^\d{1,12}$/;
const MAX_SIGNATURES = 5;

/** Base of the signing errors: the request is not authenticated (HTTP 401), retrying it unchanged will not help. */
export class RequestSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestSignatureError';
  }
}

/** The signature is missing, malformed or matches none of the cluster's secrets. */
export class InvalidSignatureError extends RequestSignatureError {
  constructor(
    message: string,
    readonly reason: 'missing' | 'malformed' | 'mismatch',
  ) {
    super(message);
    this.name = 'InvalidSignatureError';
  }
}

/** The signature is genuine but its timestamp is outside the replay window (a replay, or a skewed clock). */
export class StaleSignatureError extends RequestSignatureError {
  constructor(readonly skewSeconds: number) {
    super(`signature timestamp is ${Math.abs(skewSeconds)} s ${skewSeconds < 0 ? 'in the past' : 'in the future'}, outside the replay window`);
    this.name = 'StaleSignatureError';
  }
}

function digest(secret: string, timestamp: string, body: string | Uint8Array): Buffer {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}.`);
  hmac.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return hmac.digest();
}

/** Signs a request body for a client or a test: returns the two headers to send. */
export function signRequest(
  body: string | Uint8Array,
  secret: string,
  now: Date,
): { timestamp: string; signature: string; headers: Record<string, string> } {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = `${SIGNATURE_VERSION}=${digest(secret, timestamp, body).toString('hex')}`;
  return { timestamp, signature, headers: { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature } };
}

/** What a signed request presented, and what the cluster accepts. */
export interface SignatureCheck {
  /** The raw body bytes, as received (API Gateway's base64 undone, compression not). */
  body: string | Uint8Array;
  timestamp: string | undefined;
  signature: string | undefined;
  /** The cluster's current secrets; more than one while a rotation overlaps. */
  secrets: readonly string[];
  now: Date;
  toleranceSeconds?: number;
}

/**
 * Verifies a signed request; returns normally when it is authentic and
 * fresh, otherwise throws InvalidSignatureError or StaleSignatureError. The
 * signature is checked before the time, so a stale error is only ever given
 * for a request that was genuinely signed (and says which way the clock is off).
 */
export function verifyRequestSignature(check: SignatureCheck): void {
  const timestamp = check.timestamp?.trim();
  if (!timestamp || !check.signature) {
    throw new InvalidSignatureError(`missing ${TIMESTAMP_HEADER} or ${SIGNATURE_HEADER} header`, 'missing');
  }
  if (!UNIX_SECONDS.test(timestamp)) throw new InvalidSignatureError(`${TIMESTAMP_HEADER} must be unix seconds`, 'malformed');
  const presented = check.signature
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${SIGNATURE_VERSION}=`))
    .map((part) => part.slice(SIGNATURE_VERSION.length + 1))
    .filter((hex) => HEX_DIGEST.test(hex))
    .map((hex) => Buffer.from(hex, 'hex'))
    // A rotating client sends two; more than a handful is someone making us hash.
    .slice(0, MAX_SIGNATURES);
  if (presented.length === 0) {
    throw new InvalidSignatureError(`${SIGNATURE_HEADER} must hold v1=<64 hex digits>`, 'malformed');
  }
  let matched = false;
  // Every pair is compared, without stopping early, so the timing tells nothing about which secret matched.
  for (const secret of check.secrets) {
    const expected = digest(secret, timestamp, check.body);
    for (const candidate of presented) matched = timingSafeEqual(expected, candidate) || matched;
  }
  if (!matched) throw new InvalidSignatureError('signature does not match', 'mismatch');
  const tolerance = check.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS;
  const skew = Number(timestamp) - Math.floor(check.now.getTime() / 1000);
  if (Math.abs(skew) > tolerance) throw new StaleSignatureError(skew);
}
