import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { AddressPolicy } from './address-policy.js';

/** An HTTP request to a tenant-supplied or provider URL. */
export interface OutboundRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Performs outbound HTTP; channels receive one so tests and policies can be swapped in. */
export type OutboundHttp = (request: OutboundRequest) => Promise<OutboundResponse>;

/** The destination is not allowed by the address policy; never worth retrying. */
export class ForbiddenDestinationError extends Error {
  constructor(readonly host: string) {
    super(`destination ${host} resolves to an address outbound calls may not reach`);
    this.name = 'ForbiddenDestinationError';
  }
}

/** The request did not complete: connection refused or reset, DNS failure, timeout. Worth retrying. */
export class OutboundNetworkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutboundNetworkError';
  }
}

export interface OutboundHttpOptions {
  policy: AddressPolicy;
  /** Responses larger than this are cut; providers answer with small bodies. */
  maxResponseBytes?: number;
  userAgent?: string;
}

/**
 * Builds an HTTP client that checks every address it connects to against the
 * policy at connection time (after DNS resolution), so a hostname that
 * resolves, or re-resolves, to a private address cannot be used to reach
 * internal services.
 */
export function createOutboundHttp(options: OutboundHttpOptions): OutboundHttp {
  const maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
  const guardedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as LookupAddress[];
      const allowed = list.filter((entry) => options.policy.permits(entry.address));
      if (allowed.length === 0 || allowed.length !== list.length) {
        return callback(new ForbiddenDestinationError(hostname), '', 0);
      }
      if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      const first = allowed[0]!;
      callback(null, first.address, first.family);
    });
  };

  return (request) =>
    new Promise<OutboundResponse>((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        return reject(new ForbiddenDestinationError('(invalid URL)'));
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return reject(new ForbiddenDestinationError(url.protocol));
      }
      const hostname = url.hostname.replace(/^\[|\]$/g, '');
      if (isIP(hostname) !== 0 && !options.policy.permits(hostname)) {
        return reject(new ForbiddenDestinationError(hostname));
      }
      const transport = url.protocol === 'https:' ? https : http;
      const body = request.body === undefined ? undefined : Buffer.from(request.body);
      const req = transport.request(
        url,
        {
          method: request.method,
          headers: {
            'user-agent': options.userAgent ?? 'tidings',
            ...(body === undefined ? {} : { 'content-length': String(body.length) }),
            ...request.headers,
          },
          lookup: guardedLookup,
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            if (size < maxResponseBytes) chunks.push(chunk);
            size += chunk.length;
          });
          res.on('end', () => {
            clearTimeout(deadline);
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).subarray(0, maxResponseBytes).toString('utf8'),
            });
          });
          res.on('error', (error) => reject(new OutboundNetworkError('response interrupted', { cause: error })));
        },
      );
      // One deadline for the whole exchange, not an idle timeout: a provider that trickles bytes still times out.
      const deadline = setTimeout(
        () => req.destroy(new OutboundNetworkError(`no response within ${request.timeoutMs} ms`)),
        request.timeoutMs,
      );
      req.on('error', (error) => {
        clearTimeout(deadline);
        if (error instanceof ForbiddenDestinationError || error instanceof OutboundNetworkError) return reject(error);
        reject(new OutboundNetworkError(error.message, { cause: error }));
      });
      req.end(body);
    });
}
