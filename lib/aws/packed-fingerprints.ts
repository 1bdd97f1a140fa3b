/**
 * Alertmanager fingerprints (16 hex digits) stored as a binary set of 8-byte
 * values: half the bytes of the text, and `contains` still finds one. Other
 * identifiers stay a string set beside it.
 */
export const HEX_FINGERPRINT = /^[0-9a-f]{16}$/;

/** The attributes that hold `fingerprints`: `fingerprintBytes` for Alertmanager's, `fingerprints` for the rest. */
export function packedFingerprints(fingerprints: Iterable<string>): { fingerprintBytes?: Set<Buffer>; fingerprints?: Set<string> } {
  const bytes = new Set<Buffer>();
  const others = new Set<string>();
  const seen = new Set<string>();
  for (const fingerprint of fingerprints) {
    if (seen.has(fingerprint)) continue;
    seen.add(fingerprint);
    if (HEX_FINGERPRINT.test(fingerprint)) bytes.add(Buffer.from(fingerprint, 'hex'));
    else others.add(fingerprint);
  }
  return { ...(bytes.size === 0 ? {} : { fingerprintBytes: bytes }), ...(others.size === 0 ? {} : { fingerprints: others }) };
}

/** A filter expression matching items whose packed (or plain) fingerprints contain `fingerprint`. */
export function fingerprintFilter(fingerprint: string): { expression: string; values: Record<string, unknown> } {
  if (!HEX_FINGERPRINT.test(fingerprint)) return { expression: 'contains(fingerprints, :fingerprint)', values: { ':fingerprint': fingerprint } };
  return {
    expression: '(contains(fingerprintBytes, :fingerprintBytes) OR contains(fingerprints, :fingerprint))',
    values: { ':fingerprintBytes': Buffer.from(fingerprint, 'hex'), ':fingerprint': fingerprint },
  };
}

/** The fingerprints an item holds, in either form, sorted. */
export function unpackedFingerprints(item: { fingerprintBytes?: unknown; fingerprints?: unknown }): string[] {
  const found: string[] = [];
  if (item.fingerprintBytes instanceof Set) for (const bytes of item.fingerprintBytes as Set<Uint8Array>) found.push(Buffer.from(bytes).toString('hex'));
  if (item.fingerprints instanceof Set || Array.isArray(item.fingerprints)) found.push(...(item.fingerprints as Iterable<string>));
  return found.sort();
}
