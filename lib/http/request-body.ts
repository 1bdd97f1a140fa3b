import { gunzipSync, inflateSync } from 'node:zlib';

/** 413: the body is over the configured limit (after decompression, so a zip bomb is caught too). */
export class PayloadTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
    this.name = 'PayloadTooLargeError';
  }
}

/** 415: the body is not in a media type the endpoint reads. */
export class UnsupportedMediaTypeError extends Error {
  constructor(
    readonly got: string,
    readonly accepted: readonly string[],
  ) {
    super(`content type ${got || '(none)'} is not supported; send ${accepted.join(' or ')}`);
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** 400: the body could not be decoded or is not JSON. */
export class MalformedBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedBodyError';
  }
}

export interface RawBody {
  body: string | undefined;
  isBase64Encoded: boolean;
  contentType: string | undefined;
  contentEncoding: string | undefined;
}

/** The media type without parameters, lower-cased: `application/json; charset=utf-8` -> `application/json`. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Decodes an HTTP body as API Gateway hands it over (maybe base64, maybe
 * gzip or deflate) and parses it as JSON, enforcing the media type and size limit.
 */
export function readJsonBody(raw: RawBody, options: { limitBytes: number; acceptedTypes: readonly string[] }): unknown {
  const type = mediaType(raw.contentType);
  if (!options.acceptedTypes.includes(type)) throw new UnsupportedMediaTypeError(type, options.acceptedTypes);
  let bytes = raw.body === undefined ? Buffer.alloc(0) : Buffer.from(raw.body, raw.isBase64Encoded ? 'base64' : 'utf8');
  const encoding = (raw.contentEncoding ?? 'identity').trim().toLowerCase();
  if (bytes.length > options.limitBytes) throw new PayloadTooLargeError(options.limitBytes);
  try {
    if (encoding === 'gzip') bytes = gunzipSync(bytes, { maxOutputLength: options.limitBytes + 1 });
    else if (encoding === 'deflate') bytes = inflateSync(bytes, { maxOutputLength: options.limitBytes + 1 });
    else if (encoding !== 'identity') throw new UnsupportedMediaTypeError(`content-encoding ${encoding}`, ['gzip', 'deflate']);
  } catch (error) {
    if (error instanceof UnsupportedMediaTypeError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new PayloadTooLargeError(options.limitBytes);
    throw new MalformedBodyError(`body is not valid ${encoding} data`);
  }
  if (bytes.length > options.limitBytes) throw new PayloadTooLargeError(options.limitBytes);
  if (bytes.length === 0) throw new MalformedBodyError('request body is empty');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new MalformedBodyError(`body is not valid JSON: ${(error as Error).message}`);
  }
}
