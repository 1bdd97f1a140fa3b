import { redactUrl } from '../notify/channels/provider-error.js';
import type { SecretSealer } from '../secrets/sealer.js';

/*
 * A receiver's own credentials (the settings its channel declares secret) are
 * sealed at rest like a config's: one sealed JSON of those settings in
 * `sealedSettings`, and in `settings` only their masks. They are opened only
 * to send (delivery, test-send). A receiver stored before sealing has no
 * `sealedSettings` and its settings are read as plain text, as written.
 */

/** What a secret setting shows instead of its value. */
export const SECRET_MASK = '<secret>';

/**
 * A secret setting as it may be shown: a URL keeps its scheme and host (which
 * says where notifications go), an object its keys (which headers are set),
 * anything else only that it is set.
 */
export function maskSecret(value: unknown): unknown {
  if (typeof value === 'string' && /^https?:\/\//i.test(value)) return redactUrl(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.fromEntries(Object.keys(value).map((key) => [key, SECRET_MASK]));
  }
  return SECRET_MASK;
}

/** The settings with every secret one masked; masking a mask changes nothing, so stored masks and legacy plain text show alike. */
export function maskedSettings(settings: Record<string, unknown>, secretSettings: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).map(([name, value]) => [name, secretSettings.includes(name) ? maskSecret(value) : value]));
}

/** Whether a value is a mask as an API answer shows it (a client writing back what it read), not a credential. */
export function isMask(value: unknown): boolean {
  const text = JSON.stringify(value);
  return (text.includes(SECRET_MASK) || text.includes('<redacted>')) && JSON.stringify(maskSecret(value)) === text;
}

/** A receiver's settings as stored: secret ones masked, their values sealed together (absent when it has none). */
export interface SealedReceiverSettings {
  settings: Record<string, unknown>;
  sealedSettings?: string;
}

/** Seals the secret settings (one sealed value, as a config's settings are) and masks them in the settings kept readable. */
export async function sealReceiverSettings(
  settings: Record<string, unknown>,
  secretSettings: readonly string[],
  sealer: SecretSealer,
): Promise<SealedReceiverSettings> {
  const secrets = Object.fromEntries(Object.entries(settings).filter(([name, value]) => secretSettings.includes(name) && value !== undefined));
  if (Object.keys(secrets).length === 0) return { settings: { ...settings } };
  return { settings: maskedSettings(settings, secretSettings), sealedSettings: await sealer.seal(JSON.stringify(secrets)) };
}

/** The settings as written, secrets opened: only for sending. A receiver without `sealedSettings` is read as it is (legacy plain text). */
export async function openReceiverSettings(
  receiver: { settings: Record<string, unknown>; sealedSettings?: string },
  sealer: SecretSealer,
): Promise<Record<string, unknown>> {
  if (receiver.sealedSettings === undefined) return { ...receiver.settings };
  const secrets = JSON.parse(await sealer.open(receiver.sealedSettings)) as Record<string, unknown>;
  return { ...receiver.settings, ...secrets };
}
