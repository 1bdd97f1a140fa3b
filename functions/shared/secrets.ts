import { KMSClient } from '@aws-sdk/client-kms';
import { KmsEnvelopeSealer } from '../../lib/aws/kms-envelope-sealer.js';
import { LocalKeySealer, type SecretSealer } from '../../lib/secrets/sealer.js';
import { MissingConfigurationError } from './environment.js';

let sealer: SecretSealer | undefined;

/**
 * The sealer for config secrets: KMS envelope encryption when the function has
 * a key id (in AWS), else the local stack's key (base64, 32 bytes).
 */
export function secretSealer(env: NodeJS.ProcessEnv = process.env): SecretSealer {
  if (sealer !== undefined) return sealer;
  if (env.SECRETS_KMS_KEY_ID) sealer = new KmsEnvelopeSealer(new KMSClient({}), env.SECRETS_KMS_KEY_ID);
  else if (env.SECRETS_LOCAL_KEY) sealer = new LocalKeySealer(Buffer.from(env.SECRETS_LOCAL_KEY, 'base64'));
  else throw new MissingConfigurationError('SECRETS_KMS_KEY_ID (or SECRETS_LOCAL_KEY locally)');
  return sealer;
}
