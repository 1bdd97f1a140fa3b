import type { KmsEnvelopeSealer } from '../../lib/aws/kms-envelope-sealer.js';
import { LocalKeySealer, type SecretSealer } from '../../lib/secrets/sealer.js';
import { MissingConfigurationError } from './environment.js';

let sealer: SecretSealer | undefined;

/**
 * The sealer for config secrets: KMS envelope encryption when the function has
 * a key id (in AWS), else the local stack's key (base64, 32 bytes).
 */
export function secretSealer(env: NodeJS.ProcessEnv = process.env): SecretSealer {
  if (sealer !== undefined) return sealer;
  if (env.SECRETS_KMS_KEY_ID) sealer = lazyKmsSealer(env.SECRETS_KMS_KEY_ID);
  else if (env.SECRETS_LOCAL_KEY) sealer = new LocalKeySealer(Buffer.from(env.SECRETS_LOCAL_KEY, 'base64'));
  else throw new MissingConfigurationError('SECRETS_KMS_KEY_ID (or SECRETS_LOCAL_KEY locally)');
  return sealer;
}

/**
 * The KMS sealer with its client built, and the KMS SDK loaded, on the first
 * seal or open: many invocations (an ingest without request signing, most API
 * calls) touch no secret, so module init should not pay for the SDK.
 */
function lazyKmsSealer(keyId: string): SecretSealer {
  let loaded: Promise<KmsEnvelopeSealer> | undefined;
  const load = () =>
    (loaded ??= Promise.all([import('@aws-sdk/client-kms'), import('../../lib/aws/kms-envelope-sealer.js')]).then(
      ([{ KMSClient }, { KmsEnvelopeSealer }]) => new KmsEnvelopeSealer(new KMSClient({}), keyId),
    ));
  return {
    seal: async (plaintext) => (await load()).seal(plaintext),
    open: async (sealed) => (await load()).open(sealed),
  };
}
