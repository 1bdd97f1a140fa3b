import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { decryptWithKey, encryptWithKey, SealedValueError, type SecretSealer } from '../secrets/sealer.js';

const PREFIX = 'kms:v1:';

/**
 * Envelope encryption with AWS KMS: every sealed value gets its own data key
 * from GenerateDataKey; the value is encrypted locally with AES-256-GCM and
 * stored with the KMS-encrypted data key. Opening asks KMS to decrypt the
 * data key (cached per process, so a warm function decrypts each config once).
 */
export class KmsEnvelopeSealer implements SecretSealer {
  private readonly dataKeys = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async seal(plaintext: string): Promise<string> {
    const result = await this.kms.send(new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: { purpose: 'tidings-config' } }));
    if (result.Plaintext === undefined || result.CiphertextBlob === undefined) throw new SealedValueError('KMS returned no data key');
    const key = Buffer.from(result.Plaintext);
    const wrapped = Buffer.from(result.CiphertextBlob);
    const { iv, ciphertext, tag } = encryptWithKey(key, plaintext, PREFIX);
    key.fill(0);
    return PREFIX + [wrapped, iv, tag, ciphertext].map((b) => b.toString('base64url')).join('.');
  }

  async open(sealed: string): Promise<string> {
    if (!sealed.startsWith(PREFIX)) throw new SealedValueError('not a KMS-sealed value');
    const [wrapped, iv, tag, ciphertext] = sealed.slice(PREFIX.length).split('.').map((part) => Buffer.from(part, 'base64url'));
    if (wrapped === undefined || iv === undefined || tag === undefined || ciphertext === undefined) throw new SealedValueError('malformed sealed value');
    const cacheKey = wrapped.toString('base64url');
    let key = this.dataKeys.get(cacheKey);
    if (key === undefined) {
      key = this.kms
        .send(new DecryptCommand({ CiphertextBlob: wrapped, EncryptionContext: { purpose: 'tidings-config' } }))
        .then((result) => {
          if (result.Plaintext === undefined) throw new SealedValueError('KMS returned no plaintext');
          return Buffer.from(result.Plaintext);
        });
      key.catch(() => this.dataKeys.delete(cacheKey));
      this.dataKeys.set(cacheKey, key);
    }
    return decryptWithKey(await key, { iv, tag, ciphertext }, PREFIX);
  }
}
