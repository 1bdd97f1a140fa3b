import { ApiError } from './api.js';
import { describedBy, Field } from './components.js';
import { CHANNEL_FIELDS, isObject, keepsWhenEmpty, type SettingField, type SettingsValues } from './channel-fields.js';
import { useI18n, type Translate } from './i18n.js';

/** What the form says about a setting: required, its default and range, one per line, write-only or kept when left empty. */
function helpOf(field: SettingField, t: Translate, kept: unknown, forConfig: boolean): string {
  const parts: string[] = [];
  if (field.required && !forConfig) parts.push(t('settings.required'));
  if (field.default !== undefined && !(Array.isArray(field.default) && field.default.length === 0) && !(typeof field.default === 'object' && !Array.isArray(field.default))) {
    parts.push(t('settings.default', { value: String(field.default) }));
  }
  if (field.min !== undefined || field.max !== undefined) parts.push(t('settings.range', { min: field.min ?? '…', max: field.max ?? '…' }));
  if (field.kind === 'list') parts.push(t('settings.onePerLine'));
  if (field.kind === 'pairs') parts.push(t('settings.pairs'));
  if (kept !== undefined && !keepsWhenEmpty(field, kept)) parts.push(t('settings.storedKeys'));
  else if (typeof kept === 'string' && kept !== '<secret>') parts.push(t('settings.storedMask', { mask: kept }));
  else if (kept !== undefined) parts.push(t('settings.stored'));
  else if (field.secret) parts.push(t('settings.writeOnly'));
  return parts.join(' · ');
}

/**
 * A channel's settings as form fields, derived from the API's schema: the
 * API's message about each setting shows by its field (`settings.url`).
 * Secret settings are password inputs that start empty; `kept` (the masks the
 * API answered for what is stored) says which of them an empty field keeps.
 */
export function SettingsForm({
  fields,
  values,
  onChange,
  error,
  idPrefix,
  kept,
  forConfig = false,
  path = 'settings',
}: {
  fields: readonly SettingField[];
  values: SettingsValues;
  onChange: (values: SettingsValues) => void;
  error: unknown;
  idPrefix: string;
  /** The masks an empty field sends back to keep a stored value (see `settingsOf`). */
  kept?: Record<string, unknown> | undefined;
  /** A config holds part of the settings (the credentials): nothing is required of it. */
  forConfig?: boolean;
  path?: string;
}) {
  const { t } = useI18n();
  const key = (field: SettingField) => `${path === 'settings' ? '' : `${path.slice('settings.'.length)}.`}${field.name}`;
  return (
    <>
      {fields.map((field) => {
        const valueKey = key(field);
        const id = `${idPrefix}-${valueKey.replace(/\./g, '-')}`;
        const apiField = `${path}.${field.name}`;
        if (field.kind === 'group') {
          // A receiver's group secret (SMTP `auth`) shows each key's mask; a config's is one `<secret>`.
          const groupMask = kept?.[field.name];
          return (
            <fieldset key={field.name} class="settings-group">
              <legend>{field.name}</legend>
              {(field.secret || groupMask !== undefined) && <small>{helpOf(field, t, groupMask, forConfig)}</small>}
              <SettingsForm fields={field.fields ?? []} values={values} onChange={onChange} error={error} idPrefix={idPrefix} forConfig={forConfig} path={apiField} kept={isObject(groupMask) ? groupMask : undefined} />
              {/* About the group as a whole (a kept secret refused); its settings' own messages show by each. */}
              {error instanceof ApiError &&
                error.issues
                  .filter((issue) => issue.field === apiField)
                  .map((issue) => (
                    <p key={issue.message} class="field-error" role="alert" id={`${id}-error`}>
                      {issue.message}
                    </p>
                  ))}
            </fieldset>
          );
        }
        const value = values[valueKey];
        const set = (next: string | boolean) => onChange({ ...values, [valueKey]: next });
        const label = `${field.name}${field.required && !forConfig ? ' *' : ''}`;
        const help = field.kind === 'boolean' ? (kept?.[field.name] === undefined ? undefined : t('settings.storedChoice')) : helpOf(field, t, kept?.[field.name], forConfig);
        let control;
        if (field.kind === 'boolean') {
          control = <input id={id} name={valueKey} type="checkbox" checked={value === true} onChange={(e) => set(e.currentTarget.checked)} aria-describedby={describedBy(id)} />;
        } else if (field.kind === 'choice') {
          control = (
            <select id={id} name={valueKey} value={typeof value === 'string' ? value : ''} onChange={(e) => set(e.currentTarget.value)} aria-describedby={describedBy(id)}>
              <option value="">{field.default === undefined ? '–' : t('settings.defaultChoice', { value: String(field.default) })}</option>
              {(field.choices ?? []).map((choice) => (
                <option key={choice} value={choice}>
                  {choice}
                </option>
              ))}
            </select>
          );
        } else if (field.kind === 'list' || field.kind === 'pairs') {
          control = (
            <textarea id={id} name={valueKey} rows={3} spellcheck={false} autocomplete="off" value={typeof value === 'string' ? value : ''} onInput={(e) => set(e.currentTarget.value)} aria-describedby={describedBy(id)} />
          );
        } else {
          const common = {
            id,
            name: valueKey,
            spellcheck: false,
            value: typeof value === 'string' ? value : '',
            onInput: (e: { currentTarget: HTMLInputElement }) => set(e.currentTarget.value),
            'aria-describedby': describedBy(id),
          };
          const placeholder = field.default === undefined || typeof field.default === 'object' ? undefined : String(field.default);
          control = field.secret ? (
            <input {...common} type="password" autocomplete="new-password" />
          ) : (
            <input {...common} type="text" autocomplete="off" inputMode={field.kind === 'number' ? 'numeric' : field.kind === 'url' ? 'url' : 'text'} placeholder={placeholder} />
          );
        }
        return (
          <Field key={field.name} id={id} label={label} {...(help === undefined || help === '' ? {} : { help })} error={error} field={apiField} class={field.kind === 'boolean' ? 'field check' : undefined}>
            {control}
          </Field>
        );
      })}
    </>
  );
}

/** The channels a receiver or config may use: every channel the API accepts. */
export function ChannelSelect({ id, value, onChange, error }: { id: string; value: string; onChange: (channel: string) => void; error: unknown }) {
  const { t } = useI18n();
  return (
    <Field id={id} label={t('receivers.channel')} error={error} field="channel">
      <select id={id} name="channel" value={value} onChange={(e) => onChange(e.currentTarget.value)} aria-describedby={describedBy(id)}>
        {CHANNEL_FIELDS.map(({ channel }) => (
          <option key={channel} value={channel}>
            {channel}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** The settings of one channel (none for a channel this build does not know). */
export function fieldsOf(channel: string): readonly SettingField[] {
  return CHANNEL_FIELDS.find((c) => c.channel === channel)?.fields ?? [];
}

/** The API's names of every setting the form shows (`settings.auth`, `settings.auth.user`), so messages about them are not repeated above the button. */
export function settingPaths(fields: readonly SettingField[], prefix = 'settings'): string[] {
  return fields.flatMap((field) => (field.kind === 'group' ? [`${prefix}.${field.name}`, ...settingPaths(field.fields ?? [], `${prefix}.${field.name}`)] : [`${prefix}.${field.name}`]));
}
