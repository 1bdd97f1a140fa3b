import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encrypts secrets at rest (channel credentials in configs). Sealed values
 * are self-describing strings, so a value sealed by one key provider is
 * refused, not misread, by another.
 */
export interface SecretSealer {
  seal(plaintext: string): Promise<string>;
  open(sealed: string): Promise<string>;
}

/** A sealed value could not be opened: wrong key, tampered, or another provider's. */
export class SealedValueError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SealedValueError';
  }
}

/** AES-256-GCM under a data key; `aad` binds the ciphertext to its context. */
export function encryptWithKey(key: Buffer, plaintext: string, aad: string): { iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

export function decryptWithKey(key: Buffer, parts: { iv: Buffer; ciphertext: Buffer; tag: Buffer }, aad: string): string {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, parts.iv);
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(parts.tag);
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new SealedValueError('sealed value cannot be opened with this key', { cause: error });
  }
}

const LOCAL_PREFIX = 'local:v1:';

/**
 * A sealer with one 256-bit key held by the process: the local stack's, with
 * the key kept in a file next to the data. In AWS use the KMS envelope sealer.
 */
export class LocalKeySealer implements SecretSealer {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the secrets key must be 32 bytes');
  }

  async seal(plaintext: string): Promise<string> {
    const { iv, ciphertext, tag } = encryptWithKey(this.key, plaintext, LOCAL_PREFIX);
    return LOCAL_PREFIX + [iv, tag, ciphertext].map((b) => b.toString('base64url')).join('.');
  }

  async open(sealed: string): Promise<string> {
    if (!sealed.startsWith(LOCAL_PREFIX)) throw new SealedValueError('not a locally sealed value');
    const [iv, tag, ciphertext] = sealed.slice(LOCAL_PREFIX.length).split('.').map((part) => Buffer.from(part, 'base64url'));
    if (iv === undefined || tag === undefined || ciphertext === undefined) throw new SealedValueError('malformed sealed value');
    return decryptWithKey(this.key, { iv, tag, ciphertext }, LOCAL_PREFIX);
  }
}
