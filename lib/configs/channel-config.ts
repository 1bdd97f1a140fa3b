/**
 * A config: the sending credentials of a channel (SMTP login, bot token, SMS
 * keys), global or a tenant's, kept apart from receivers so one SMTP server
 * serves every tenant. Its settings are stored sealed (encrypted) and never
 * shown again.
 */
export interface ChannelConfig {
  accountId: string;
  tenantId?: string;
  name: string;
  channel: string;
  /** Receivers pick configs by these labels (`configSelector`). */
  labels: Record<string, string>;
  /** The settings JSON, sealed by the secret sealer. */
  sealedSettings: string;
  /** The setting names, for display; the values are never returned. */
  settingNames: string[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

/**
 * The config a receiver sends with, as notification-manager resolves it: its
 * tenant's configs for the channel first, else the global ones; among those,
 * the ones whose labels match the receiver's selector (all of them when it
 * has none), first by name.
 */
export function selectConfig(
  receiver: { tenantId?: string; channel: string; configSelector?: Record<string, string> },
  configs: readonly ChannelConfig[],
): ChannelConfig | undefined {
  const fits = (config: ChannelConfig) =>
    config.channel === receiver.channel &&
    Object.entries(receiver.configSelector ?? {}).every(([key, value]) => config.labels[key] === value);
  const byName = (a: ChannelConfig, b: ChannelConfig) => a.name.localeCompare(b.name);
  const own = receiver.tenantId === undefined ? [] : configs.filter((c) => c.tenantId === receiver.tenantId && fits(c)).sort(byName);
  if (own.length > 0) return own[0];
  return configs.filter((c) => c.tenantId === undefined && fits(c)).sort(byName)[0];
}

/** Settings that decide where a request goes (and so where a config's credentials are sent). */
export const DESTINATION_SETTING = /url|endpoint|host|port|base/i;

/**
 * The settings a receiver is sent with: its config's credentials merged with
 * its own settings. A receiver may override its own scope's config freely,
 * but a tenant receiver using a *global* config (the operator's credentials)
 * may not redirect them: its destination settings (URLs, endpoints, hosts,
 * ports) are ignored and the config's values win, so a tenant cannot send the
 * operator's bot token or SMTP password to a server of its choosing.
 * Conversely, a receiver with secrets of its own (`receiverHasSecrets`) takes
 * no destination from its own scope's config: they go where the receiver says
 * (or the channel's default), so whoever may write a config but never saw
 * the receiver's token cannot have it sent to a server of their choosing by
 * adding a config that the receiver then picks.
 */
export function mergeConfigSettings(
  receiver: { tenantId?: string; settings: Record<string, unknown> },
  config: ChannelConfig | undefined,
  credentials: Record<string, unknown>,
  receiverHasSecrets: boolean,
): Record<string, unknown> {
  if (config === undefined) return { ...receiver.settings };
  const crossScope = receiver.tenantId !== undefined && config.tenantId === undefined;
  if (!crossScope) return { ...(receiverHasSecrets ? withoutDestinations(credentials) : credentials), ...receiver.settings };
  return { ...withoutDestinations(receiver.settings), ...credentials };
}

function withoutDestinations(settings: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).filter(([key]) => !DESTINATION_SETTING.test(key)));
}
