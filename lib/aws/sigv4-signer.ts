import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { AwsCredentialIdentity, Checksum, SourceData } from '@smithy/types';
import type { QueryEndpoint } from '../metric-rules/prometheus-query.js';

type RequestSigner = NonNullable<QueryEndpoint['sign']>;

function bytes(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** SHA-256 (HMAC with a secret) over node:crypto, the shape the signer takes. */
class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/**
 * SigV4 request signers for Amazon Managed Prometheus (service `aps`), one
 * per region, with the function's own credentials: the SDK's default
 * provider chain (the Lambda role's, or what the environment gives) unless
 * the caller passes credentials. The signer and the provider chain load on
 * the first signed request, so functions that never sign never load them.
 */
export function sigV4SignerFor(options: { service?: string; credentials?: () => Promise<AwsCredentialIdentity> } = {}): (region: string) => RequestSigner {
  const signers = new Map<string, Promise<{ sign: (request: Parameters<RequestSigner>[0]) => Promise<Record<string, string>> }>>();
  const load = (region: string) => {
    let signer = signers.get(region);
    if (signer === undefined) {
      signer = (async () => {
        const [{ SignatureV4 }, credentials] = await Promise.all([
          import('@smithy/signature-v4'),
          options.credentials ?? import('@aws-sdk/credential-provider-node').then(({ defaultProvider }) => defaultProvider()),
        ]);
        const signature = new SignatureV4({ service: options.service ?? 'aps', region, credentials, sha256: NodeSha256 });
        return {
          sign: async (request: Parameters<RequestSigner>[0]) => {
            const url = new URL(request.url);
            const signed = await signature.sign({
              method: request.method,
              protocol: url.protocol,
              hostname: url.hostname,
              ...(url.port === '' ? {} : { port: Number(url.port) }),
              path: url.pathname,
              query: Object.fromEntries(url.searchParams),
              // The host the HTTP client will send, signed with the rest.
              headers: { ...request.headers, host: url.host },
              body: request.body,
            });
            const { host: _host, ...headers } = signed.headers;
            return headers;
          },
        };
      })();
      // A failed load (no credentials yet) is tried again at the next request.
      signer.catch(() => signers.delete(region));
      signers.set(region, signer);
    }
    return signer;
  };
  return (region) => async (request) => (await load(region)).sign(request);
}
