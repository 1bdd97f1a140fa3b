import type { ChannelConfig } from '../configs/channel-config.js';
import { mergeConfigSettings, selectConfig } from '../configs/channel-config.js';
import type { Receiver } from '../receivers/receiver.js';
import { openReceiverSettings } from '../receivers/receiver-secrets.js';
import type { SecretSealer } from '../secrets/sealer.js';
import { createRenderer } from '../templates/renderer.js';
import type { NotificationRenderer } from './channel.js';

/** A named set of templates: `{title, text, markdown, html}` sources. */
export interface TemplateSet {
  accountId: string;
  tenantId?: string;
  name: string;
  templates: Partial<Record<'title' | 'text' | 'markdown' | 'html', string>>;
  version: number;
}

/** An uploaded dictionary for one language: the operator's, or a tenant's own wording. */
export interface LanguagePack {
  accountId: string;
  tenantId?: string;
  code: string;
  dictionary: Record<string, string>;
  version: number;
}

/** Reads a delivery needs besides the receiver; each is one query of the account's partition (cached by the caller). */
export interface DeliveryConfigSource {
  configs(accountId: string): Promise<ChannelConfig[]>;
  templateSets(accountId: string): Promise<TemplateSet[]>;
  languagePacks(accountId: string): Promise<LanguagePack[]>;
}

/** What the receiver's channel is sent with: settings (with credentials) and a renderer. */
export interface PreparedDelivery {
  settings: Record<string, unknown>;
  renderer: NotificationRenderer;
  /** Set when a custom template failed and the default was used. */
  templateFallbacks: string[];
}

/**
 * Puts together a receiver's delivery: its config's credentials and its own
 * secret settings (both opened from their sealed form) under the receiver's
 * own settings, and a renderer with
 * its language, tenant dictionary and templates (inline over the named set).
 * A tenant receiver only ever sees its own tenant's configs, sets and packs,
 * or the global ones.
 */
export async function prepareDelivery(
  receiver: Receiver,
  source: DeliveryConfigSource,
  sealer: SecretSealer,
  externalURL: string,
): Promise<PreparedDelivery> {
  const [configs, sets, packs] = await Promise.all([
    source.configs(receiver.accountId),
    source.templateSets(receiver.accountId),
    source.languagePacks(receiver.accountId),
  ]);
  const visible = <T extends { tenantId?: string }>(items: readonly T[]) =>
    items.filter((item) => item.tenantId === undefined || item.tenantId === receiver.tenantId);
  const config = selectConfig(receiver, visible(configs));
  const credentials = config === undefined ? {} : (JSON.parse(await sealer.open(config.sealedSettings)) as Record<string, unknown>);
  const own = await openReceiverSettings(receiver, sealer);
  const presentation = receiver.presentation ?? {};
  const ownFirst = <T extends { tenantId?: string }>(a: T, b: T) => Number(a.tenantId === undefined) - Number(b.tenantId === undefined);
  const set = visible(sets)
    .filter((s) => s.name === presentation.templateSet)
    .sort(ownFirst)[0];
  const language = presentation.language ?? 'en';
  const dictionary = Object.assign(
    {},
    ...visible(packs)
      .filter((p) => p.code === language)
      .sort(ownFirst)
      .reverse()
      .map((p) => p.dictionary),
  ) as Record<string, string>;
  const templateFallbacks: string[] = [];
  const renderer = createRenderer({
    language,
    templates: { ...set?.templates, ...presentation.templates },
    dictionary,
    externalURL,
    ...(presentation.timeZone === undefined ? {} : { timeZone: presentation.timeZone }),
    onFallback: (failure) => templateFallbacks.push(`${failure.kind}: ${failure.reason}`),
  });
  return { settings: mergeConfigSettings({ ...receiver, settings: own }, config, credentials, receiver.sealedSettings !== undefined), renderer, templateFallbacks };
}
