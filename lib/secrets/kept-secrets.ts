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
  /** The settings opened: secrets in plain text, the values a mask keeps. */
  opened: Record<string, unknown>;
  /** The settings as the API shows them (secrets masked): what a client writes back, and what destinations are compared with. */
  shown: Record<string, unknown>;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

type Resolved = { value: unknown; kept: boolean } | { issue: string };

const NOTHING_STORED = 'is a masked value and nothing is stored to keep: send the secret itself';
const NOT_THE_STORED_MASK = 'is a masked value that is not the stored one: send the secret itself';

/** One sent setting: a fresh value, or a mask that keeps what is stored (per key for an object whose keys the API shows). */
function resolve(sent: unknown, shown: unknown, opened: unknown): Resolved {
  if (isPlainObject(sent) && Object.values(sent).includes(SECRET_MASK)) {
    if (shown === undefined || opened === undefined) return { issue: NOTHING_STORED };
    // A config shows a whole object as one `<secret>`: its keys cannot be kept one by one.
    if (!isPlainObject(shown)) return { issue: NOT_THE_STORED_MASK };
    const keys = Object.keys(sent);
    const unknown = keys.filter((key) => sent[key] === SECRET_MASK && !(isPlainObject(opened) && Object.hasOwn(opened, key)));
    if (unknown.length > 0) return { issue: `masks ${unknown.map((key) => JSON.stringify(key)).join(', ')} with no stored value: send the value itself` };
    const stored = opened as Record<string, unknown>;
    return { value: Object.fromEntries(keys.map((key) => [key, sent[key] === SECRET_MASK ? stored[key] : sent[key]])), kept: true };
  }
  if (!isMask(sent)) return { value: sent, kept: false };
  if (shown === undefined || opened === undefined) return { issue: NOTHING_STORED };
  if (!isDeepStrictEqual(sent, shown)) return { issue: NOT_THE_STORED_MASK };
  return { value: opened, kept: true };
}

/**
 * The settings to store: each secret sent back as its mask (`<secret>`, a
 * URL's `https://host/<redacted>`, an object's keys with `<secret>` values)
 * replaced by the stored value. A mask keeps nothing when there is no stored
 * receiver or config, no stored value, or the channel changed; and nothing at
 * all when a destination setting (url, endpoint, host, port, base...) is sent
 * other than as shown, since the kept secret would go to the new destination.
 * Destinations are compared as shown, never with a secret's value, so a
 * refusal says nothing about it. Throws {@link InvalidPayloadError} naming
 * each masked field; no message carries a value.
 */
export function keepStoredSecrets(
  sent: Record<string, unknown>,
  request: { channel: string; stored: StoredSettings | undefined; secretSettings: readonly string[] },
): Record<string, unknown> {
  const stored = request.stored?.channel === request.channel ? request.stored : undefined;
  const channelChanged = request.stored !== undefined && stored === undefined;
  const settings: Record<string, unknown> = { ...sent };
  const kept: string[] = [];
  const issues: FieldIssue[] = [];
  for (const name of request.secretSettings) {
    if (sent[name] === undefined) continue;
    const resolved = resolve(sent[name], stored?.shown[name], stored?.opened[name]);
    if ('issue' in resolved) {
      issues.push({ field: `settings.${name}`, message: channelChanged ? 'is a masked value and the channel changed: send the secret itself' : resolved.issue });
    } else {
      settings[name] = resolved.value;
      if (resolved.kept) kept.push(name);
    }
  }
  if (issues.length > 0) throw new InvalidPayloadError('masked secrets cannot be kept', issues);
  if (kept.length === 0 || stored === undefined) return settings;
  const names = new Set([...Object.keys(sent), ...Object.keys(stored.shown)]);
  const moved = [...names].filter((name) => DESTINATION_SETTING.test(name) && !isDeepStrictEqual(sent[name], stored.shown[name]));
  if (moved.length > 0) {
    const destination = moved.map((name) => `settings.${name}`).join(', ');
    throw new InvalidPayloadError(
      'the destination changed: secrets must be sent again',
      kept.map((name) => ({ field: `settings.${name}`, message: `the destination (${destination}) changed: send the secret again` })),
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
          opened: current.channel === channel ? (JSON.parse(await sealer.open(current.sealedSettings)) as Record<string, unknown>) : {},
          shown: Object.fromEntries(current.settingNames.map((name) => [name, SECRET_MASK])),
        };
  return keepStoredSecrets(sent, { channel, stored, secretSettings: Object.keys(sent) });
}
