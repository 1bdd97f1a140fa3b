import { type SettingField, settingsOf, type SettingsValues, storedMasks, valuesOf } from './channel-fields.js';
import { namesOf, numberOrText } from './matcher-text.js';
import { type PairRow, pairRowsOf, pairsOf } from './pairs.js';
import { selectorBodyOf, selectorFormOf, type SelectorForm } from './selector-form.js';
import type { ReceiverView } from './types.js';

/**
 * A receiver as its form holds it (text as typed) and as the API's PUT takes it
 * (lib/api/receivers-api.ts). Grouping holds only what the receiver sets, so an
 * empty field keeps following the account; the filter is a label selector.
 */
export interface ReceiverForm {
  name: string;
  channel: string;
  enabled: boolean;
  settings: SettingsValues;
  /** Comma-separated label names. */
  groupBy: string;
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
  maxAlerts: string;
  sendResolved: '' | 'true' | 'false';
  filter: SelectorForm;
  /** Labels of the channel config whose credentials the receiver uses. */
  configSelector: PairRow[];
  language: string;
  timeZone: string;
  templateSet: string;
}

/** The form of a receiver (`fields`: its channel's settings), or of a new one. */
export function receiverFormOf(receiver: ReceiverView | undefined, name: string, fields: readonly SettingField[]): ReceiverForm {
  const own = receiver?.ownGrouping ?? {};
  return {
    name,
    channel: receiver?.channel ?? 'webhook',
    enabled: receiver?.enabled ?? true,
    settings: valuesOf(fields, receiver?.settings),
    groupBy: own.groupBy?.join(', ') ?? '',
    groupWait: own.groupWait ?? '',
    groupInterval: own.groupInterval ?? '',
    repeatInterval: own.repeatInterval ?? '',
    maxAlerts: own.maxAlerts === undefined ? '' : String(own.maxAlerts),
    sendResolved: own.sendResolved === undefined ? '' : own.sendResolved ? 'true' : 'false',
    filter: selectorFormOf(receiver?.filter),
    configSelector: pairRowsOf(receiver?.configSelector),
    language: receiver?.presentation?.language ?? '',
    timeZone: receiver?.presentation?.timeZone ?? '',
    templateSet: receiver?.presentation?.templateSet ?? '',
  };
}

/** The masks of the stored secrets an empty field keeps: none for a new receiver or another channel. */
export function keptOf(channel: string, fields: readonly SettingField[], loaded: ReceiverView | undefined): Record<string, unknown> {
  return loaded?.channel === channel ? storedMasks(fields, loaded.settings) : {};
}

/**
 * The PUT body: what the form edits, over what it does not show (a template
 * set's inline templates), so saving keeps them. Secrets left empty go back as
 * the masks the API answered, which keeps them. A number the form cannot read
 * is sent as typed, so the API names the field.
 */
export function receiverBodyOf(form: ReceiverForm, loaded: ReceiverView | undefined, fields: readonly SettingField[]) {
  const settings = settingsOf(fields, form.settings, '', keptOf(form.channel, fields, loaded));
  const grouping: Record<string, unknown> = {};
  if (form.groupBy.trim() !== '') grouping.groupBy = namesOf(form.groupBy);
  if (form.groupWait.trim() !== '') grouping.groupWait = form.groupWait.trim();
  if (form.groupInterval.trim() !== '') grouping.groupInterval = form.groupInterval.trim();
  if (form.repeatInterval.trim() !== '') grouping.repeatInterval = form.repeatInterval.trim();
  if (form.maxAlerts.trim() !== '') grouping.maxAlerts = numberOrText(form.maxAlerts.trim());
  if (form.sendResolved !== '') grouping.sendResolved = form.sendResolved === 'true';
  const filter = selectorBodyOf(form.filter);
  const configSelector = pairsOf(form.configSelector);
  const presentation = {
    ...(loaded?.presentation ?? {}),
    language: form.language || undefined,
    timeZone: form.timeZone.trim() || undefined,
    templateSet: form.templateSet.trim() || undefined,
  };
  return {
    channel: form.channel,
    enabled: form.enabled,
    settings,
    ...(Object.keys(grouping).length > 0 ? { grouping } : {}),
    ...(Object.keys(filter).length > 0 ? { filter } : {}),
    ...(Object.keys(configSelector).length > 0 ? { configSelector } : {}),
    ...(Object.values(presentation).some((v) => v !== undefined) ? { presentation: JSON.parse(JSON.stringify(presentation)) as object } : {}),
  };
}
