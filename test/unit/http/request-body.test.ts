import { gzipSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  MalformedBodyError,
  PayloadTooLargeError,
  readJsonBody,
  UnsupportedMediaTypeError,
} from '../../../lib/http/request-body.js';

const options = { limitBytes: 1024, acceptedTypes: ['application/json'] };
const raw = (body: string | undefined, extra: Partial<Parameters<typeof readJsonBody>[0]> = {}) => ({
  body,
  isBase64Encoded: false,
  contentType: 'application/json',
  contentEncoding: undefined,
  ...extra,
});

describe('readJsonBody', () => {
  it('parses a JSON body, ignoring media type parameters', () => {
    expect(readJsonBody(raw('{"a":1}', { contentType: 'application/json; charset=utf-8' }), options)).toEqual({ a: 1 });
  });

  it('decodes a base64 body as API Gateway delivers binary payloads', () => {
    expect(readJsonBody(raw(Buffer.from('{"a":2}').toString('base64'), { isBase64Encoded: true }), options)).toEqual({ a: 2 });
  });

  it('inflates gzip and deflate bodies', () => {
    const gz = gzipSync('{"a":3}').toString('base64');
    const df = deflateSync('{"a":4}').toString('base64');
    expect(readJsonBody(raw(gz, { isBase64Encoded: true, contentEncoding: 'gzip' }), options)).toEqual({ a: 3 });
    expect(readJsonBody(raw(df, { isBase64Encoded: true, contentEncoding: 'deflate' }), options)).toEqual({ a: 4 });
  });

  it('refuses other media types with 415', () => {
    expect(() => readJsonBody(raw('{}', { contentType: 'text/plain' }), options)).toThrowError(UnsupportedMediaTypeError);
    expect(() => readJsonBody(raw('{}', { contentType: undefined }), options)).toThrowError(UnsupportedMediaTypeError);
  });

  it('refuses unknown content encodings with 415', () => {
    expect(() => readJsonBody(raw('{}', { contentEncoding: 'br' }), options)).toThrowError(UnsupportedMediaTypeError);
  });

  it('refuses a body over the limit with 413', () => {
    expect(() => readJsonBody(raw(JSON.stringify({ x: 'y'.repeat(2000) })), options)).toThrowError(PayloadTooLargeError);
  });

  it('measures the limit after decompression, so a small gzip bomb is refused too', () => {
    const bomb = gzipSync(JSON.stringify({ x: '0'.repeat(100_000) })).toString('base64');
    expect(bomb.length).toBeLessThan(1024);
    expect(() => readJsonBody(raw(bomb, { isBase64Encoded: true, contentEncoding: 'gzip' }), options)).toThrowError(PayloadTooLargeError);
  });

  it('refuses empty bodies, invalid JSON and corrupt gzip with 400', () => {
    expect(() => readJsonBody(raw(undefined), options)).toThrowError(MalformedBodyError);
    expect(() => readJsonBody(raw('{"a":'), options)).toThrowError(MalformedBodyError);
    expect(() => readJsonBody(raw('bm90IGd6aXA=', { isBase64Encoded: true, contentEncoding: 'gzip' }), options)).toThrowError(
      MalformedBodyError,
    );
  });
});
