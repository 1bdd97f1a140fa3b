import type { LabelSet } from './alert.js';

const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;
const SEPARATOR = 0xff;

/**
 * Alertmanager's alert fingerprint: 64-bit FNV-1a over the label names and
 * values, sorted by name in byte order, each followed by a 0xff byte; printed
 * as 16 hex digits. Receivers correlate firing and resolved notifications by
 * this value, so it must match Alertmanager's byte for byte.
 */
export function fingerprint(labels: LabelSet): string {
  const entries = Object.entries(labels).map(([name, value]) => [Buffer.from(name), Buffer.from(value)] as const);
  entries.sort((a, b) => Buffer.compare(a[0], b[0]));
  let hash = FNV64_OFFSET;
  for (const [name, value] of entries) {
    for (const part of [name, value]) {
      for (const byte of part) {
        hash = ((hash ^ BigInt(byte)) * FNV64_PRIME) & MASK64;
      }
      hash = ((hash ^ BigInt(SEPARATOR)) * FNV64_PRIME) & MASK64;
    }
  }
  return hash.toString(16).padStart(16, '0');
}
