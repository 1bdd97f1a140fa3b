import type { LabelSet } from './alert.js';

const SEPARATOR = 0xff;

/**
 * Alertmanager's alert fingerprint: 64-bit FNV-1a over the label names and
 * values, sorted by name in byte order, each followed by a 0xff byte; printed
 * as 16 hex digits. Receivers correlate firing and resolved notifications by
 * this value, so it must match Alertmanager's byte for byte. The 64-bit state
 * is kept in four 16-bit limbs (least significant first), because BigInt
 * arithmetic per byte made this a visible share of ingest's CPU.
 */
export function fingerprint(labels: LabelSet): string {
  const names = Object.keys(labels);
  // Byte order is code-unit order for ASCII names (all valid Prometheus names); others are compared as UTF-8.
  names.sort(names.every(isAscii) ? undefined : (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  // The FNV-64 offset basis 0xcbf29ce484222325.
  const hash: Limbs = [0x2325, 0x8422, 0x9ce4, 0xcbf2];
  for (const name of names) {
    mixText(hash, name);
    mixByte(hash, SEPARATOR);
    mixText(hash, labels[name]!);
    mixByte(hash, SEPARATOR);
  }
  return hash.map((limb) => limb.toString(16).padStart(4, '0')).reverse().join('');
}

type Limbs = [number, number, number, number];

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Mixes the UTF-8 bytes of a string: ASCII directly, anything else through an encoder. */
function mixText(hash: Limbs, text: string): void {
  if (!isAscii(text)) {
    for (const byte of Buffer.from(text)) mixByte(hash, byte);
    return;
  }
  for (let i = 0; i < text.length; i++) mixByte(hash, text.charCodeAt(i));
}

/** hash = (hash ^ byte) * 0x100000001b3 mod 2^64, the prime being 2^40 + 0x1b3. */
function mixByte(hash: Limbs, byte: number): void {
  const h0 = hash[0] ^ byte;
  const t0 = h0 * 0x1b3;
  const t1 = hash[1] * 0x1b3 + (t0 >>> 16);
  const t2 = hash[2] * 0x1b3 + h0 * 0x100 + (t1 >>> 16);
  const t3 = hash[3] * 0x1b3 + hash[1] * 0x100 + (t2 >>> 16);
  hash[0] = t0 & 0xffff;
  hash[1] = t1 & 0xffff;
  hash[2] = t2 & 0xffff;
  hash[3] = t3 & 0xffff;
}
