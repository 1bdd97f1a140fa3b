import { describe, expect, it } from 'vitest';
import {
  InvalidSignatureError,
  SIGNATURE_HEADER,
  signRequest,
  StaleSignatureError,
  TIMESTAMP_HEADER,
  verifyRequestSignature,
} from '../../../lib/ingest/request-signing.js';

const NOW = new Date('2026-11-25T10:05:00Z');
const body = '[{"labels":{"alertname":"Ошибка"}}]';

function check(overrides: Partial<Parameters<typeof verifyRequestSignature>[0]> = {}) {
  const signed = signRequest(body, 'secret-1', NOW);
  return { body, timestamp: signed.timestamp, signature: signed.signature, secrets: ['secret-1'], now: NOW, ...overrides };
}

describe('signRequest', () => {
  it('signs "<timestamp>.<raw body>" with HMAC-SHA256 and names both headers', () => {
    const signed = signRequest('{}', 'k', new Date(1_700_000_000_000));

    expect(signed.timestamp).toBe('1700000000');
    // printf '1700000000.{}' | openssl dgst -sha256 -hmac k
    expect(signed.signature).toBe('v1=c6ef4734033cee2367414a0939385eca0397754aa7a59716da7463a9298b5146');
    expect(signed.headers).toEqual({ [TIMESTAMP_HEADER]: '1700000000', [SIGNATURE_HEADER]: signed.signature });
  });

  it('signs bytes and the same text identically', () => {
    expect(signRequest(Buffer.from(body), 's', NOW).signature).toBe(signRequest(body, 's', NOW).signature);
  });
});

describe('verifyRequestSignature', () => {
  it('accepts a fresh request signed with the cluster secret', () => {
    expect(() => verifyRequestSignature(check())).not.toThrow();
  });

  it('accepts any current secret while a rotation overlaps', () => {
    expect(() => verifyRequestSignature(check({ secrets: ['secret-2', 'secret-1'] }))).not.toThrow();
  });

  it('accepts a header carrying signatures from the old and the new secret', () => {
    const old = signRequest(body, 'secret-1', NOW).signature;
    const fresh = signRequest(body, 'secret-2', NOW).signature;

    expect(() => verifyRequestSignature(check({ signature: `${old}, ${fresh}`, secrets: ['secret-2'] }))).not.toThrow();
  });

  it('rejects a changed body, a wrong secret and a changed timestamp as mismatches', () => {
    for (const overrides of [{ body: `${body} ` }, { secrets: ['other'] }, { timestamp: String(Math.floor(NOW.getTime() / 1000) + 1) }]) {
      expect(() => verifyRequestSignature(check(overrides))).toThrowError(expect.objectContaining({ reason: 'mismatch' }));
    }
  });

  it('rejects missing and malformed headers', () => {
    expect(() => verifyRequestSignature(check({ signature: undefined }))).toThrowError(expect.objectContaining({ reason: 'missing' }));
    expect(() => verifyRequestSignature(check({ timestamp: '' }))).toThrowError(expect.objectContaining({ reason: 'missing' }));
    expect(() => verifyRequestSignature(check({ timestamp: '1.5e9' }))).toThrowError(expect.objectContaining({ reason: 'malformed' }));
    expect(() => verifyRequestSignature(check({ signature: 'v1=zz' }))).toThrowError(expect.objectContaining({ reason: 'malformed' }));
    expect(() => verifyRequestSignature(check({ signature: 'v0=' + 'a'.repeat(64) }))).toThrowError(InvalidSignatureError);
  });

  it('rejects a genuine signature older than five minutes as stale', () => {
    const signedAt = new Date(NOW.getTime() - 301_000);
    const signed = signRequest(body, 'secret-1', signedAt);

    expect(() => verifyRequestSignature(check({ timestamp: signed.timestamp, signature: signed.signature }))).toThrowError(StaleSignatureError);
  });

  it('rejects a signature from more than five minutes in the future too, and accepts the edges', () => {
    const future = signRequest(body, 'secret-1', new Date(NOW.getTime() + 301_000));
    const edge = signRequest(body, 'secret-1', new Date(NOW.getTime() - 300_000));

    expect(() => verifyRequestSignature(check({ timestamp: future.timestamp, signature: future.signature }))).toThrowError(
      expect.objectContaining({ name: 'StaleSignatureError', skewSeconds: 301 }),
    );
    expect(() => verifyRequestSignature(check({ timestamp: edge.timestamp, signature: edge.signature }))).not.toThrow();
  });

  it('honours a configured window', () => {
    const signed = signRequest(body, 'secret-1', new Date(NOW.getTime() - 61_000));

    expect(() =>
      verifyRequestSignature(check({ timestamp: signed.timestamp, signature: signed.signature, toleranceSeconds: 60 })),
    ).toThrowError(StaleSignatureError);
  });

  it('says mismatch, not stale, for a forged old request', () => {
    expect(() => verifyRequestSignature(check({ timestamp: '1000', secrets: ['secret-1'] }))).toThrowError(
      expect.objectContaining({ reason: 'mismatch' }),
    );
  });
});
