import { isDeepStrictEqual } from 'node:util';
import { DESTINATION_SETTING, type ChannelConfig } from '../configs/channel-config.js';
import { InvalidPayloadError, type FieldIssue } from '../ingest/ingest-errors.js';
import { isMask, SECRET_MASK } from '../receivers/receiver-secrets.js';
import type { SecretSealer } from './sealer.js';

/*
 * Saving an edited receiver or config without typing its secrets again: a
 * secret sent back exactly as the API shows it keeps the stored value. Kept
 * only while the destination stays put, so that whoever may edit a receiver
 * but never saw its secret cannot point it at a server of their own and have
 * the stored token sent there.
 */

/** What is stored of a receiver or config, as far as keeping its secrets goes. */
export interface StoredSettings {
  channel: string;
  /** The settings as the API shows them (secrets masked): what a client writes back, and what destinations are compared with. */
  shown: Record<string, unknown>;
  /** Opens the stored settings (secrets in plain text): the values a mask keeps. Called only when a mask is sent. */
  open: () => Promise<Record<string, unknown>>;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A mask as an answer shows it, or an object with some keys masked (the others new). */
const holdsMask = (value: unknown) => (value !== undefined && isMask(value)) || (isPlainObject(value) && Object.values(value).includes(SECRET_MASK));

const NOTHING_STORED = 'is a masked value and nothing is stored to keep: send the secret itself';
const NOT_THE_STORED_MASK = 'is a masked value that is not the stored one: send the secret itself';
const CHANNEL_CHANGED = 'is a masked value and the channel changed: send the secret itself';

/** The stored value a masked setting keeps (per key for an object whose keys the API shows), or why it keeps none. */
function keptValue(sent: unknown, shown: unknown, opened: unknown): { value: unknown } | { issue: string } {
  if (shown === undefined || opened === undefined) return { issue: NOTHING_STORED };
  if (isPlainObject(sent) && isPlainObject(shown) && isPlainObject(opened)) {
    const keys = Object.keys(sent);
    const unknown = keys.filter((key) => sent[key] === SECRET_MASK && !Object.hasOwn(opened, key));
    if (unknown.length > 0) return { issue: `masks ${unknown.map((key) => JSON.stringify(key)).join(', ')} with no stored value: send the value itself` };
    return { value: Object.fromEntries(keys.map((key) => [key, sent[key] === SECRET_MASK ? opened[key] : sent[key]])) };
  }
  // Anything else keeps only as a whole (a config shows an object as one `<secret>`).
  return isDeepStrictEqual(sent, shown) ? { value: opened } : { issue: NOT_THE_STORED_MASK };
}

/**
 * The settings to store: each secret sent back as its mask (`<secret>`, a
 * URL's `https://host/<redacted>`, an object's keys with `<secret>` values)
 * replaced by the stored value. A mask keeps nothing when there is no stored
 * receiver or config, no stored value, or the channel changed; and nothing at
 * all when a destination setting (url, endpoint, host, port, base...) is sent
 * other than as shown, or a `routing` field changed, since the kept secret
 * would go to the new destination.
 * Destinations are compared as shown, never with a secret's value, so a
 * refusal says nothing about it. Throws {@link InvalidPayloadError} naming
 * each masked field; no message carries a value.
 */
export async function keepStoredSecrets(
  sent: Record<string, unknown>,
  request: {
    channel: string;
    stored: StoredSettings | undefined;
    secretSettings: readonly string[];
    /** Other fields that decide where the secrets go (a receiver's `configSelector` picks the config whose URL applies), as sent and as stored. */
    routing?: readonly { field: string; sent: unknown; stored: unknown }[];
  },
): Promise<Record<string, unknown>> {
  const masked = request.secretSettings.filter((name) => holdsMask(sent[name]));
  if (masked.length === 0) return { ...sent };
  const stored = request.stored?.channel === request.channel ? request.stored : undefined;
  if (stored === undefined) {
    const message = request.stored === undefined ? NOTHING_STORED : CHANNEL_CHANGED;
    throw new InvalidPayloadError('masked secrets cannot be kept', masked.map((name) => ({ field: `settings.${name}`, message })));
  }
  const opened = await stored.open();
  const settings: Record<string, unknown> = { ...sent };
  const issues: FieldIssue[] = [];
  for (const name of masked) {
    const kept = keptValue(sent[name], stored.shown[name], opened[name]);
    if ('issue' in kept) issues.push({ field: `settings.${name}`, message: kept.issue });
    else settings[name] = kept.value;
  }
  if (issues.length > 0) throw new InvalidPayloadError('masked secrets cannot be kept', issues);
  const names = new Set([...Object.keys(sent), ...Object.keys(stored.shown)]);
  const moved = [
    ...[...names].filter((name) => DESTINATION_SETTING.test(name) && !isDeepStrictEqual(sent[name], stored.shown[name])).map((name) => `settings.${name}`),
    ...(request.routing ?? []).filter((other) => !isDeepStrictEqual(other.sent, other.stored)).map((other) => other.field),
  ];
  if (moved.length > 0) {
    const destination = moved.join(', ');
    throw new InvalidPayloadError(
      'the destination changed: secrets must be sent again',
      masked.map((name) => ({ field: `settings.${name}`, message: `the destination (${destination}) changed: send the secret again` })),
    );
  }
  return settings;
}

/**
 * A config's settings to store: every setting of a config is sealed and shown
 * as `<secret>`, so any of them sent as `<secret>` keeps its stored value,
 * under the same destination guard as a receiver's secrets.
 */
export async function keepStoredConfigSecrets(
  sent: Record<string, unknown>,
  channel: string,
  current: Pick<ChannelConfig, 'channel' | 'sealedSettings' | 'settingNames'> | undefined,
  sealer: SecretSealer,
): Promise<Record<string, unknown>> {
  const stored =
    current === undefined
      ? undefined
      : {
          channel: current.channel,
          shown: Object.fromEntries(current.settingNames.map((name) => [name, SECRET_MASK])),
          open: async () => JSON.parse(await sealer.open(current.sealedSettings)) as Record<string, unknown>,
        };
  return keepStoredSecrets(sent, { channel, stored, secretSettings: Object.keys(sent) });
}
