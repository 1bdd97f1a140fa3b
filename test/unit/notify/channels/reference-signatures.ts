import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Signature algorithms written a second time, from the providers' documents,
 * for the test servers to check what the channels send. Deliberately not
 * shared with lib/: a mistake in one copy shows up as a mismatch.
 */

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmacSha256 = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 percent-encoding byte by byte: only A-Z a-z 0-9 - _ . ~ stay literal. */
export function rfc3986(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Splits `a=b, c=d` style authorization parameters. */
export function authorizationParams(header: string): Record<string, string> {
  const [, rest = ''] = /^\S+\s+(.*)$/.exec(header) ?? [];
  const params: Record<string, string> = {};
  for (const part of rest.split(/,\s*/)) {
    const at = part.indexOf('=');
    if (at > 0) params[part.slice(0, at).trim()] = part.slice(at + 1).trim().replace(/^"|"$/g, '');
  }
  return params;
}

function headerText(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim().replace(/\s+/g, ' ');
}

/**
 * AWS Signature Version 4, per "Create a signed AWS API request" (AWS IAM
 * User Guide): canonical request, string to sign over
 * `date/region/service/aws4_request`, key derived from "AWS4" + secret.
 */
export function sigV4Signature(input: {
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  signedHeaders: string[];
  body: string;
  secretAccessKey: string;
  region: string;
  service: string;
}): string {
  const amzDate = headerText(input.headers, 'x-amz-date');
  const date = amzDate.slice(0, 8);
  const pairs = input.query === '' ? [] : input.query.split('&').map((pair) => pair.split('=').map((part) => rfc3986(decodeURIComponent(part.replace(/\+/g, ' ')))));
  pairs.sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : a[1]! < b[1]! ? -1 : 1));
  const canonicalQuery = pairs.map(([name, value = '']) => `${name}=${value}`).join('&');
  const canonicalPath = input.path.split('/').map((segment) => rfc3986(decodeURIComponent(segment))).join('/');
  const canonicalHeaders = [...input.signedHeaders].sort().map((name) => `${name}:${headerText(input.headers, name)}\n`).join('');
  const payloadHash = headerText(input.headers, 'x-amz-content-sha256') || sha256(input.body);
  const canonicalRequest = [input.method, canonicalPath, canonicalQuery, canonicalHeaders, [...input.signedHeaders].sort().join(';'), payloadHash].join('\n');
  const scope = `${date}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256(canonicalRequest)}`;
  let key: Buffer = hmacSha256(`AWS4${input.secretAccessKey}`, date);
  for (const part of [input.region, input.service, 'aws4_request']) key = hmacSha256(key, part);
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

/**
 * Aliyun RPC signature, per Alibaba Cloud's "Signature method" (SMS) page:
 * sort, encode, `GET&%2F&` + encode(query), HMAC-SHA1 with secret + "&".
 */
export function aliyunSignature(method: string, params: Record<string, string>, secret: string): string {
  const query = Object.entries(params)
    .filter(([name]) => name !== 'Signature')
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const stringToSign = `${method}&${rfc3986('/')}&${rfc3986(query)}`;
  return createHmac('sha1', `${secret}&`).update(stringToSign, 'utf8').digest('base64');
}

/**
 * Tencent Cloud API 3.0 TC3-HMAC-SHA256, per its "Signature v3" page, for a
 * POST to `/` with the given signed headers (names lowercase, values as sent;
 * `x-tc-action` lowercased as the document says).
 */
export function tc3Signature(input: {
  headers: IncomingHttpHeaders;
  signedHeaders: string[];
  body: string;
  secretKey: string;
  service: string;
  timestamp: number;
}): string {
  const canonicalHeaders = input.signedHeaders
    .map((name) => `${name}:${name === 'x-tc-action' ? headerText(input.headers, name).toLowerCase() : headerText(input.headers, name)}\n`)
    .join('');
  const canonicalRequest = `POST\n/\n\n${canonicalHeaders}\n${input.signedHeaders.join(';')}\n${sha256(input.body)}`;
  const date = new Date(input.timestamp * 1000).toISOString().slice(0, 10);
  const stringToSign = `TC3-HMAC-SHA256\n${input.timestamp}\n${date}/${input.service}/tc3_request\n${sha256(canonicalRequest)}`;
  const secretDate = hmacSha256(`TC3${input.secretKey}`, date);
  const secretService = hmacSha256(secretDate, input.service);
  const secretSigning = hmacSha256(secretService, 'tc3_request');
  return createHmac('sha256', secretSigning).update(stringToSign).digest('hex');
}

/**
 * Huawei Cloud SMS X-WSSE PasswordDigest, per "认证鉴权: X-WSSE认证" and the
 * official code samples: Base64 of the hex SHA-256 of nonce + created + secret.
 */
export function huaweiPasswordDigest(nonce: string, created: string, appSecret: string): string {
  return Buffer.from(sha256(nonce + created + appSecret)).toString('base64');
}
