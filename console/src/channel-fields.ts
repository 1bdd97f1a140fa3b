/**
 * The settings form of each channel, derived at build time from the channels'
 * own zod schemas (infra/console-channel-fields.ts), so the console offers
 * every channel the API accepts with exactly the settings it accepts.
 */

/** How a setting is edited. */
export type SettingKind = 'text' | 'url' | 'number' | 'boolean' | 'choice' | 'list' | 'pairs' | 'group';

export interface SettingField {
  name: string;
  kind: SettingKind;
  /** The API refuses the settings without it (it has no default). */
  required: boolean;
  /** A credential: write-only, never filled from what the API answers (it answers masks). */
  secret: boolean;
  default?: unknown;
  choices?: string[];
  min?: number;
  max?: number;
  /** The settings of a `group` (SMTP `auth`, AWS `credentials`). */
  fields?: SettingField[];
}

export interface ChannelFields {
  channel: string;
  fields: SettingField[];
}

declare const __TIDINGS_CHANNEL_FIELDS__: ChannelFields[] | undefined;

/** Every channel and its settings, as the build found them (empty where the build did not inject them, as in unit tests). */
export const CHANNEL_FIELDS: readonly ChannelFields[] = typeof __TIDINGS_CHANNEL_FIELDS__ === 'undefined' ? [] : __TIDINGS_CHANNEL_FIELDS__;

/** A form's values by setting path (`url`, `auth.password`): text for inputs and text areas, a boolean for checkboxes. */
export type SettingsValues = Record<string, string | boolean>;

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

/** A JSON object (not an array): how the API shows an object secret's keys. */
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The form's values from settings as the API shows them. Secret settings stay
 * empty (the API answers only their masks; an empty field sends the mask back,
 * which keeps the stored value), except an object secret such as webhook
 * `headers`: one `name: <secret>` line per stored key, to keep, replace or delete.
 */
export function valuesOf(fields: readonly SettingField[], settings: Record<string, unknown> | undefined, prefix = ''): SettingsValues {
  const values: SettingsValues = {};
  for (const field of fields) {
    const path = `${prefix}${field.name}`;
    const value = settings?.[field.name];
    if (field.kind === 'group') {
      Object.assign(values, valuesOf(field.fields ?? [], field.secret ? undefined : (value as Record<string, unknown> | undefined), `${path}.`));
    } else if (field.kind === 'boolean') {
      values[path] = typeof value === 'boolean' ? value : field.default === true;
    } else if ((field.secret && !(field.kind === 'pairs' && isObject(value))) || value === undefined || value === null) {
      values[path] = '';
    } else if (field.kind === 'list') {
      values[path] = Array.isArray(value) ? value.map(String).join('\n') : String(value);
    } else if (field.kind === 'pairs') {
      values[path] = Object.entries(value as Record<string, unknown>)
        .map(([name, v]) => `${name}: ${String(v)}`)
        .join('\n');
    } else {
      values[path] = String(value);
    }
  }
  return values;
}

/**
 * What an empty field of an edited receiver sends back to keep its stored
 * secret: the masks the API answered for the channel's secret settings.
 * (A config's answer is all masks: it is used as it is.)
 */
export function storedMasks(fields: readonly SettingField[], settings: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(fields.filter((field) => field.secret && settings?.[field.name] !== undefined).map((field) => [field.name, settings![field.name]]));
}

/** Whether an empty field keeps a stored value (an object secret's keys are kept line by line instead). */
export function keepsWhenEmpty(field: SettingField, mask: unknown): boolean {
  return mask !== undefined && !(field.kind === 'pairs' && isObject(mask));
}

/**
 * The settings to send from the form's values: empty inputs are left out (the
 * API applies its default, or names a missing setting) unless `kept` has the
 * stored value's mask, which is sent back to keep it; a number that does not
 * parse is sent as typed, so the API names the field.
 */
export function settingsOf(fields: readonly SettingField[], values: SettingsValues, prefix = '', kept: Record<string, unknown> = {}): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const field of fields) {
    const path = `${prefix}${field.name}`;
    const raw = values[path];
    const mask = kept[field.name];
    if (field.kind === 'group') {
      const group = settingsOf(field.fields ?? [], values, `${path}.`, isObject(mask) ? mask : {});
      if (Object.keys(group).length > 0) settings[field.name] = group;
      else if (mask !== undefined) settings[field.name] = mask;
      continue;
    }
    if (field.kind === 'boolean') {
      // Only a choice other than the default is sent, so a form saved untouched keeps following the channel's default (or the stored choice).
      if (typeof raw === 'boolean' && raw !== (field.default === true)) settings[field.name] = raw;
      else if (mask !== undefined) settings[field.name] = mask;
      continue;
    }
    const text = typeof raw === 'string' ? raw : '';
    if (text.trim() === '') {
      if (keepsWhenEmpty(field, mask)) settings[field.name] = mask;
      continue;
    }
    if (field.kind === 'number') {
      const number = Number(text.trim());
      settings[field.name] = Number.isFinite(number) ? number : text;
    } else if (field.kind === 'list') {
      settings[field.name] = lines(text);
    } else if (field.kind === 'pairs') {
      settings[field.name] = Object.fromEntries(
        lines(text).map((line) => {
          const colon = line.indexOf(':');
          return colon < 0 ? [line, ''] : [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
        }),
      );
    } else {
      settings[field.name] = field.secret ? text : text.trim();
    }
  }
  return settings;
}
