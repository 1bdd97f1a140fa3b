import * as z from 'zod';
import { GroupingOptionsError, resolveGroupingOptions, type GroupingOptions } from '../aggregate/grouping-options.js';
import { InvalidPayloadError } from '../ingest/ingest-errors.js';
import { compileSelector, SelectorValidationError, type SelectorSpec } from '../matchers/selector.js';
import type { Channel } from '../notify/channel.js';
import { maskedSettings, openReceiverSettings, sealReceiverSettings } from '../receivers/receiver-secrets.js';
import { keepStoredSecrets } from '../secrets/kept-secrets.js';
import type { SecretSealer } from '../secrets/sealer.js';
import { formatDuration, parseDuration } from '../receivers/duration.js';
import type { Receiver, ReceiverGrouping, ReceiverStore } from '../receivers/receiver.js';
import { newIncarnation } from '../receivers/receiver.js';
import { nameSchema, parseWith, unknownFields } from './api-types.js';
import { ModuleNotLoadedError } from '../pipeline/lazy-module.js';
import { templateRenderer } from '../templates/renderer-module.js';
import { languageCodeSchema } from '../templates/language-packs.js';
import { isValidTimeZone } from '../silence/schedule.js';
import { strictMatcherSchema } from './silences-api.js';

const durationSchema = z.string().transform((value, ctx) => {
  try {
    return parseDuration(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** Alertmanager's route timing, written as Alertmanager users write it (`30s`, `5m`, `4h`). */
export const groupingSchema = z
  .object({
    groupBy: z.array(z.string().min(1)).optional(),
    groupWait: durationSchema.optional(),
    groupInterval: durationSchema.optional(),
    repeatInterval: durationSchema.optional(),
    sendResolved: z.boolean().optional(),
    maxAlerts: z.number().int().min(0).optional(),
  })
  .strict();

/** A receiver filter or router selector: Kubernetes label selector and/or Alertmanager matchers. */
export const selectorSchema = z
  .object({
    matchLabels: z.record(z.string(), z.string()).optional(),
    matchExpressions: z
      .array(z.strictObject({ key: z.string(), operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']), values: z.array(z.string()).optional() }))
      .optional(),
    matchers: z.array(z.union([z.string(), strictMatcherSchema])).optional(),
  })
  .strict();

const templateSource = z.string().superRefine((source, ctx) => {
  try {
    templateRenderer.get().validateTemplate(source);
  } catch (error) {
    if (error instanceof ModuleNotLoadedError) throw error;
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/** Templates by kind, each compiled on write so a broken one is a 400, not a failed notification. */
export const templatesSchema = z
  .object({ title: templateSource.optional(), text: templateSource.optional(), markdown: templateSource.optional(), html: templateSource.optional() })
  .strict();

const presentationSchema = z
  .object({
    language: languageCodeSchema.optional(),
    timeZone: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Berlin').optional(),
    templateSet: nameSchema.optional(),
    templates: templatesSchema.optional(),
  })
  .strict();

/** The body of PUT .../receivers/:name. */
export const putReceiverSchema = z.strictObject({
  channel: z.string().min(1),
  enabled: z.boolean().default(true),
  settings: z.record(z.string(), z.unknown()),
  grouping: groupingSchema.optional(),
  filter: selectorSchema.optional(),
  configSelector: z.record(z.string(), z.string()).optional(),
  presentation: presentationSchema.optional(),
});

/** Compiles a selector now so a bad one is a 400 on write, not a failure while routing. */
export function validSelector(spec: SelectorSpec, field: string): SelectorSpec {
  try {
    compileSelector(spec);
  } catch (error) {
    if (error instanceof SelectorValidationError) {
      throw new InvalidPayloadError('invalid selector', [{ field: `${field}.${error.path}`.replace(/\.$/, ''), message: error.message }]);
    }
    throw error;
  }
  return spec;
}

/** Grouping as it applies, every field resolved; durations as Alertmanager prints them (`30s`, `1h30m`). */
export const groupingViewSchema = z.strictObject({
  groupBy: z.array(z.string()),
  groupWait: z.string(),
  groupInterval: z.string(),
  repeatInterval: z.string(),
  sendResolved: z.boolean(),
  maxAlerts: z.number().int(),
});
export type GroupingView = z.infer<typeof groupingViewSchema>;

/** Only the grouping fields a receiver or account sets itself, in the form a PUT takes. */
export const ownGroupingViewSchema = groupingViewSchema.partial();
export type OwnGroupingView = z.infer<typeof ownGroupingViewSchema>;

/** Grouping options as the API writes them: durations as Alertmanager prints them (`30s`, `1h30m`). */
export function groupingView(grouping: GroupingOptions): GroupingView {
  return {
    groupBy: [...grouping.groupBy],
    groupWait: formatDuration(grouping.groupWaitMs),
    groupInterval: formatDuration(grouping.groupIntervalMs),
    repeatInterval: formatDuration(grouping.repeatIntervalMs),
    sendResolved: grouping.sendResolved,
    maxAlerts: grouping.maxAlerts,
  };
}

/** Only the grouping fields a receiver or account sets itself, in the form a PUT takes, so sending them back keeps inheriting the rest. */
export function ownGroupingView(grouping: ReceiverGrouping | undefined): OwnGroupingView {
  const own: OwnGroupingView = {};
  if (grouping?.groupBy !== undefined) own.groupBy = [...grouping.groupBy];
  if (grouping?.groupWaitMs !== undefined) own.groupWait = formatDuration(grouping.groupWaitMs);
  if (grouping?.groupIntervalMs !== undefined) own.groupInterval = formatDuration(grouping.groupIntervalMs);
  if (grouping?.repeatIntervalMs !== undefined) own.repeatInterval = formatDuration(grouping.repeatIntervalMs);
  if (grouping?.sendResolved !== undefined) own.sendResolved = grouping.sendResolved;
  if (grouping?.maxAlerts !== undefined) own.maxAlerts = grouping.maxAlerts;
  return own;
}

/** A receiver as the API shows it (see {@link receiverView}). */
export const receiverViewSchema = z.strictObject({
  name: z.string(),
  tenant: z.string().optional(),
  channel: z.string(),
  enabled: z.boolean(),
  /** The receiver's own settings; secret ones masked. */
  settings: z.record(z.string(), z.unknown()),
  grouping: groupingViewSchema,
  ownGrouping: ownGroupingViewSchema,
  filter: selectorSchema.optional(),
  configSelector: z.record(z.string(), z.string()).optional(),
  presentation: presentationSchema.optional(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ReceiverView = z.infer<typeof receiverViewSchema>;

/**
 * A receiver as the API shows it: secret settings masked; `grouping` as the
 * pipeline applies it (the receiver's own values over the account's settings
 * over Alertmanager's defaults), `ownGrouping` what the receiver itself sets.
 */
export function receiverView(receiver: Receiver, channels: ReadonlyMap<string, Channel<unknown>>, accountGrouping?: ReceiverGrouping): ReceiverView {
  const channel = channels.get(receiver.channel);
  return {
    name: receiver.name,
    ...(receiver.tenantId === undefined ? {} : { tenant: receiver.tenantId }),
    channel: receiver.channel,
    enabled: receiver.enabled,
    settings: redactedSettings(receiver, channel),
    grouping: groupingView(resolveGroupingOptions(receiver.grouping, accountGrouping)),
    ownGrouping: ownGroupingView(receiver.grouping),
    ...(receiver.filter === undefined ? {} : { filter: receiver.filter }),
    ...(receiver.configSelector === undefined ? {} : { configSelector: receiver.configSelector }),
    ...(receiver.presentation === undefined ? {} : { presentation: receiver.presentation }),
    version: receiver.version,
    createdAt: receiver.createdAt,
    updatedAt: receiver.updatedAt,
  };
}

/**
 * Creates or replaces a receiver, global or of one tenant. The channel's
 * schema validates the settings, the grouping and filter are checked as the
 * pipeline will use them; `expectedVersion` (from If-Match) makes a stale
 * update a 409.
 */
export async function putReceiver(
  owner: { accountId: string; tenantId?: string },
  name: string,
  body: unknown,
  expectedVersion: number | undefined,
  deps: {
    receivers: ReceiverStore;
    channels: ReadonlyMap<string, Channel<unknown>>;
    now: () => Date;
    /** Seals the channel's secret settings, as config credentials are sealed. */
    sealer: SecretSealer;
    /** The settings as they will be sent (merged with the receiver's config), so they are checked as such. */
    settingsWithConfig: (draft: Pick<Receiver, 'accountId' | 'tenantId' | 'channel' | 'configSelector' | 'settings'>) => Promise<Record<string, unknown>>;
  },
): Promise<Receiver> {
  const request = parseWith(putReceiverSchema, body);
  const channel = deps.channels.get(request.channel);
  if (channel === undefined) {
    throw new InvalidPayloadError('unknown channel', [{ field: 'channel', message: `must be one of ${[...deps.channels.keys()].join(', ')}` }]);
  }
  // The channel's schema is lenient (it also reads stored receivers at delivery); a misspelt setting is refused here.
  const unknownSettings = unknownFields(channel.settingsSchema, request.settings, 'settings');
  if (unknownSettings.length > 0) throw new InvalidPayloadError('unknown settings for this channel', unknownSettings);
  const ref = { ...owner, name };
  const current = await deps.receivers.get(ref);
  // A secret sent back as its mask keeps the stored one, while the destination is unchanged.
  const own = await keepStoredSecrets(request.settings, {
    channel: request.channel,
    secretSettings: channel.secretSettings,
    // Another config could give the receiver another URL.
    routing: [{ field: 'configSelector', sent: request.configSelector ?? {}, stored: current?.configSelector ?? {} }],
    stored:
      current === undefined
        ? undefined
        : { channel: current.channel, shown: receiverView(current, deps.channels).settings, open: () => openReceiverSettings(current, deps.sealer) },
  });
  const merged = await deps.settingsWithConfig({
    ...owner,
    channel: request.channel,
    settings: own,
    ...(request.configSelector ? { configSelector: request.configSelector } : {}),
  });
  parseWith(channel.settingsSchema, merged, 'settings');
  const { settings, sealedSettings } = await sealReceiverSettings(own, channel.secretSettings, deps.sealer);
  const grouping = toReceiverGrouping(request.grouping);
  const filter = request.filter === undefined ? undefined : validSelector(request.filter as SelectorSpec, 'filter');
  const version = expectedVersion ?? current?.version ?? 0;
  const now = deps.now().toISOString();
  const receiver: Receiver = {
    ...ref,
    channel: request.channel,
    enabled: request.enabled,
    settings,
    ...(sealedSettings === undefined ? {} : { sealedSettings }),
    ...(grouping === undefined ? {} : { grouping }),
    ...(filter === undefined ? {} : { filter }),
    ...(request.configSelector === undefined ? {} : { configSelector: request.configSelector }),
    ...(request.presentation === undefined ? {} : { presentation: request.presentation as Receiver['presentation'] }),
    createdAt: current?.createdAt ?? now,
    updatedAt: now,
    incarnation: current === undefined ? newIncarnation(now) : (current.incarnation ?? current.createdAt),
    version: version + 1,
  };
  await deps.receivers.put(receiver, version);
  return receiver;
}

export function toReceiverGrouping(input: z.infer<typeof groupingSchema> | undefined): ReceiverGrouping | undefined {
  if (input === undefined) return undefined;
  const grouping: ReceiverGrouping = {};
  if (input.groupBy !== undefined) grouping.groupBy = input.groupBy;
  if (input.groupWait !== undefined) grouping.groupWaitMs = input.groupWait;
  if (input.groupInterval !== undefined) grouping.groupIntervalMs = input.groupInterval;
  if (input.repeatInterval !== undefined) grouping.repeatIntervalMs = input.repeatInterval;
  if (input.sendResolved !== undefined) grouping.sendResolved = input.sendResolved;
  if (input.maxAlerts !== undefined) grouping.maxAlerts = input.maxAlerts;
  try {
    resolveGroupingOptions(grouping);
  } catch (error) {
    if (error instanceof GroupingOptionsError) {
      throw new InvalidPayloadError('invalid grouping', [{ field: `grouping.${error.field.replace(/Ms$/, '')}`, message: error.message }]);
    }
    throw error;
  }
  return grouping;
}

/**
 * The receiver's own settings as they may be shown: the channel's secret
 * settings masked (stored masks and legacy plain text alike), settings the
 * channel does not know left out; under an unknown channel, names only.
 */
function redactedSettings(receiver: Receiver, channel: Channel<unknown> | undefined): Record<string, unknown> {
  if (channel === undefined) return Object.fromEntries(Object.keys(receiver.settings).map((key) => [key, '<hidden>']));
  return maskedSettings(knownSettings(channel, receiver.settings), channel.secretSettings);
}

/** The settings the channel's schema names; anything else is never sent, so it is neither stored nor shown. */
function knownSettings(channel: Channel<unknown>, settings: Record<string, unknown>): Record<string, unknown> {
  const schema = channel.settingsSchema;
  if (!(schema instanceof z.ZodObject)) return { ...settings };
  const names = new Set(Object.keys(schema.shape));
  return Object.fromEntries(Object.entries(settings).filter(([name]) => names.has(name)));
}
