import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmsEnvelopeSealer } from '../../../lib/aws/kms-envelope-sealer.js';
import { LocalKeySealer, SealedValueError } from '../../../lib/secrets/sealer.js';

describe('LocalKeySealer', () => {
  const sealer = new LocalKeySealer(randomBytes(32));

  it('round-trips a secret and never stores it in clear', async () => {
    const sealed = await sealer.seal('{"password":"hunter2"}');
    expect(sealed).not.toContain('hunter2');
    expect(await sealer.open(sealed)).toBe('{"password":"hunter2"}');
  });

  it('refuses a value sealed with another key or tampered with', async () => {
    const sealed = await sealer.seal('secret');
    await expect(new LocalKeySealer(randomBytes(32)).open(sealed)).rejects.toBeInstanceOf(SealedValueError);
    const tampered = sealed.slice(0, -3) + (sealed.endsWith('A') ? 'BBB' : 'AAA');
    await expect(sealer.open(tampered)).rejects.toBeInstanceOf(SealedValueError);
  });
});

/**
 * A local server speaking KMS's JSON protocol for GenerateDataKey and Decrypt,
 * checking what KMS checks (target header, key id, encryption context), so
 * the envelope code is exercised through the real SDK.
 */
describe('KmsEnvelopeSealer', () => {
  const master = randomBytes(32);
  const calls: string[] = [];
  let server: ReturnType<typeof createServer>;
  let kms: KMSClient;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target']);
        const input = JSON.parse(body);
        calls.push(target);
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        if (!String(req.headers.authorization).startsWith('AWS4-HMAC-SHA256 ')) return res.writeHead(403).end('{}');
        if (JSON.stringify(input.EncryptionContext) !== JSON.stringify({ purpose: 'tidings-config' })) return res.writeHead(400).end('{"__type":"InvalidCiphertextException"}');
        if (target === 'TrentService.GenerateDataKey') {
          expect(input).toMatchObject({ KeyId: 'alias/tidings', KeySpec: 'AES_256' });
          const key = randomBytes(32);
          // A toy "wrapping": XOR with the master key; the sealer must treat it as opaque.
          const wrapped = Buffer.from(key.map((b, i) => b ^ master[i]!));
          return res.end(JSON.stringify({ KeyId: 'k', Plaintext: key.toString('base64'), CiphertextBlob: wrapped.toString('base64') }));
        }
        if (target === 'TrentService.Decrypt') {
          const wrapped = Buffer.from(input.CiphertextBlob, 'base64');
          return res.end(JSON.stringify({ KeyId: 'k', Plaintext: Buffer.from(wrapped.map((b, i) => b ^ master[i]!)).toString('base64') }));
        }
        res.writeHead(400).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    kms = new KMSClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
  });
  afterAll(() => server.close());

  it('seals with a fresh data key per value and opens through KMS Decrypt, once per data key', async () => {
    const sealer = new KmsEnvelopeSealer(kms, 'alias/tidings');
    const a = await sealer.seal('token-a');
    const b = await sealer.seal('token-a');
    expect(a).not.toBe(b);
    expect(a).not.toContain('token-a');
    const reader = new KmsEnvelopeSealer(kms, 'alias/tidings');
    expect(await reader.open(a)).toBe('token-a');
    expect(await reader.open(a)).toBe('token-a');
    expect(await reader.open(b)).toBe('token-a');
    expect(calls.filter((c) => c === 'TrentService.GenerateDataKey')).toHaveLength(2);
    expect(calls.filter((c) => c === 'TrentService.Decrypt')).toHaveLength(2);
  });

  it('refuses a locally sealed value', async () => {
    const local = await new LocalKeySealer(randomBytes(32)).seal('x');
    await expect(new KmsEnvelopeSealer(kms, 'alias/tidings').open(local)).rejects.toBeInstanceOf(SealedValueError);
  });
});
