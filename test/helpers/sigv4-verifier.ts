import { createHash, createHmac } from 'node:crypto';
import type { ReceivedRequest } from './http-receiver.js';

/** Known test credentials, never real ones. */
export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
/** RFC 3986 encoding, as SigV4's canonical query wants it. */
const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Checks a request's SigV4 signature the way AWS does, written here from
 * the published algorithm (not with the signer under test): the canonical
 * request from what arrived, the string to sign, the derived key. Answers
 * why the request is refused, or undefined when the signature holds.
 */
export function sigV4Refusal(request: ReceivedRequest, credentials: TestCredentials, expected: { region: string; service: string }, now = Date.now()): string | undefined {
  const authorization = String(request.headers.authorization ?? '');
  const parsed = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(authorization);
  if (parsed === null) return `not a SigV4 authorization: ${authorization || '(none)'}`;
  const [, accessKeyId, date, region, service, signedHeaderList, signature] = parsed as unknown as string[];
  if (accessKeyId !== credentials.accessKeyId) return `unknown access key ${accessKeyId}`;
  if (region !== expected.region || service !== expected.service) return `scope ${region}/${service}, expected ${expected.region}/${expected.service}`;
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!amzDate.startsWith(date!) || Number.isNaN(signedAt) || Math.abs(now - signedAt) > 5 * 60_000) return `x-amz-date ${amzDate} is not now`;
  if (credentials.sessionToken !== undefined && request.headers['x-amz-security-token'] !== credentials.sessionToken) return 'missing session token';
  const signedHeaders = signedHeaderList!.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) return `host and x-amz-date must be signed (signed: ${signedHeaderList})`;
  const url = new URL(request.path, 'http://placeholder');
  const query = [...url.searchParams].map(([k, v]) => `${encode(k)}=${encode(v)}`).sort().join('&');
  const headers = signedHeaders.map((name) => `${name}:${String(request.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const payloadHash = typeof request.headers['x-amz-content-sha256'] === 'string' ? request.headers['x-amz-content-sha256'] : sha256(request.body);
  if (payloadHash !== sha256(request.body)) return 'x-amz-content-sha256 does not match the body';
  const canonical = [request.method, url.pathname.split('/').map(encode).join('/'), query, headers, signedHeaderList, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = ['aws4_request'].reduce((k, part) => hmac(k, part), hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date!), region!), service!));
  const expectedSignature = hmac(key, stringToSign).toString('hex');
  return expectedSignature === signature ? undefined : 'signature does not match';
}
