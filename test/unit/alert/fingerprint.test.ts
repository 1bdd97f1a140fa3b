import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fingerprint } from '../../../lib/alert/fingerprint.js';

/**
 * An independent FNV-1a 64 written from the definition with 16-bit limbs and
 * plain numbers (no BigInt), over the byte string Alertmanager hashes:
 * name 0xff value 0xff for each label, names in byte order.
 */
function referenceFingerprint(labels: Record<string, string>): string {
  const bytes: number[] = [];
  const names = Object.keys(labels).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const name of names) {
    bytes.push(...Buffer.from(name, 'utf8'), 0xff, ...Buffer.from(labels[name]!, 'utf8'), 0xff);
  }
  // hash as four 16-bit limbs, little end first; offset basis 0xcbf29ce484222325
  let h = [0x2325, 0x8422, 0x9ce4, 0xcbf2];
  // prime 0x00000100000001b3 as limbs
  const p = [0x01b3, 0x0000, 0x0100, 0x0000];
  for (const byte of bytes) {
    h[0] = h[0]! ^ byte;
    const product = [0, 0, 0, 0];
    for (let i = 0; i < 4; i++) {
      let carry = 0;
      for (let j = 0; i + j < 4; j++) {
        const sum = product[i + j]! + h[i]! * p[j]! + carry;
        product[i + j] = sum & 0xffff;
        carry = Math.floor(sum / 0x10000);
      }
    }
    h = product;
  }
  return h
    .slice()
    .reverse()
    .map((limb) => limb.toString(16).padStart(4, '0'))
    .join('');
}

describe('fingerprint', () => {
  it('hashes the empty label set to the FNV-1a offset basis', () => {
    expect(fingerprint({})).toBe('cbf29ce484222325');
  });

  it('matches the value prometheus/common publishes for its test label set', () => {
    expect(fingerprint({ name: 'garland, briggs', fear: 'love is not enough' })).toBe('507a62d79ee76c9a');
  });

  it('does not depend on the order labels were given in', () => {
    expect(fingerprint({ b: '2', a: '1' })).toBe(fingerprint({ a: '1', b: '2' }));
  });

  it('separates names from values, so moving a character across the boundary changes it', () => {
    expect(fingerprint({ ab: 'c' })).not.toBe(fingerprint({ a: 'bc' }));
  });

  it('agrees with an independent implementation of the definition for any label set, unicode included', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 20 })), (labels) => {
        expect(fingerprint(labels)).toBe(referenceFingerprint(labels));
      }),
      { numRuns: 300 },
    );
  });

  it('prints 16 lower-case hex digits, zero-padded', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), (labels) => {
        expect(fingerprint(labels)).toMatch(/^[0-9a-f]{16}$/);
      }),
    );
  });
});
