import { useState } from 'preact/hooks';
import { basePath, call, type Scope } from '../api.js';
import { settingsOf, valuesOf, type SettingsValues } from '../channel-fields.js';
import { describedBy, ErrorBox, Field, fieldError, FormProblems, Labels, LoadState, Time, useLoad, useSubmit } from '../components.js';
import { useI18n } from '../i18n.js';
import { parseLabels } from '../labels-text.js';
import type { Session } from '../session.js';
import { ChannelSelect, fieldsOf, settingPaths, SettingsForm } from '../settings-form.js';
import type { ConfigView, Page } from '../types.js';

/**
 * The scope's channel configs (sending credentials, sealed at rest): their
 * names, channels and labels, never their values; create or replace one, delete one.
 */
export function ConfigsPage({ session, scope }: { session: Session; scope: Scope }) {
  const { t } = useI18n();
  const configs = useLoad(() => call<Page<ConfigView>>(session, 'GET', `${basePath(scope)}/configs`), [scope.accountId, scope.tenantId]);
  const [name, setName] = useState('');
  const [channel, setChannel] = useState<string>('dingtalk');
  const [labels, setLabels] = useState('');
  const [settings, setSettings] = useState<SettingsValues>(() => valuesOf(fieldsOf('dingtalk'), undefined));
  const [saved, setSaved] = useState<string | undefined>(undefined);
  // The config being edited, as the API answered it: each of its settings shows as `<secret>`, which an empty field sends back to keep.
  const [editing, setEditing] = useState<ConfigView | undefined>(undefined);
  const submit = useSubmit();
  const removal = useSubmit();
  const path = (config: string) => `${basePath(scope)}/configs/${encodeURIComponent(config)}`;
  const fields = fieldsOf(channel);
  const kept = editing !== undefined && editing.name === name.trim() && editing.channel === channel ? editing.settings : undefined;

  const save = (event: Event) => {
    event.preventDefault();
    setSaved(undefined);
    void submit.run(async () => {
      const parsedLabels = parseLabels(labels);
      if ('badLine' in parsedLabels) throw fieldError('labels', t('explain.badLine', { line: parsedLabels.badLine }));
      if (name.trim() === '') throw fieldError('name', t('receivers.nameRequired'));
      const result = await call<ConfigView>(session, 'PUT', path(name.trim()), { channel, labels: parsedLabels.labels, settings: settingsOf(fields, settings, '', kept) });
      setSaved(t('configs.saved', { name: result.name, version: result.version }));
      // The values are sealed now: nothing of them stays in the page, and saving again keeps them.
      setSettings(valuesOf(fields, undefined));
      setEditing(result);
      configs.reload();
    });
  };
  const edit = (config: ConfigView) => {
    submit.setError(undefined);
    setSaved(undefined);
    setEditing(config);
    setName(config.name);
    setChannel(config.channel);
    setLabels(Object.entries(config.labels).map(([label, value]) => `${label}=${JSON.stringify(value)}`).join('\n'));
    setSettings(valuesOf(fieldsOf(config.channel), undefined));
  };
  const remove = (config: string) =>
    void removal.run(async () => {
      await call(session, 'DELETE', path(config));
      // Nothing stored is left to keep.
      if (editing?.name === config) setEditing(undefined);
      configs.reload();
    });

  return (
    <section>
      <h1>{t('configs.title')}</h1>
      <p class="muted">{t('configs.intro')}</p>
      <LoadState load={configs} isEmpty={(page) => page.items.length === 0} empty={t('configs.empty')} />
      {removal.error !== undefined && <ErrorBox error={removal.error} />}
      <ul class="receivers">
        {(configs.value?.items ?? []).map((config) => (
          <li key={config.name} class="receiver-row" data-config={config.name}>
            <strong>{config.name}</strong> <span class="muted">{config.channel}</span> <Labels labels={config.labels} />
            <p class="muted">
              {t('configs.settingNames', { names: Object.keys(config.settings).join(', ') || '–' })} · <Time at={config.updatedAt} />
            </p>
            <button type="button" onClick={() => edit(config)}>
              {t('common.edit')}
            </button>{' '}
            <button type="button" onClick={() => remove(config.name)}>
              {t('configs.delete')}
            </button>
          </li>
        ))}
      </ul>
      <h2>{kept === undefined ? t('configs.put') : t('configs.edit', { name: editing!.name })}</h2>
      {saved !== undefined && (
        <p class="notice" role="status">
          {saved}
        </p>
      )}
      <form class="form" onSubmit={save} noValidate>
        <Field id="config-name" label={t('receivers.name')} help={t('configs.nameHelp')} error={submit.error} field="name">
          <input id="config-name" name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} aria-describedby={describedBy('config-name')} />
        </Field>
        <ChannelSelect
          id="config-channel"
          value={channel}
          error={submit.error}
          onChange={(next) => {
            submit.setError(undefined);
            setChannel(next);
            setSettings(valuesOf(fieldsOf(next), undefined));
          }}
        />
        <Field id="config-labels" label={t('configs.labels')} help={t('configs.labelsHelp')} error={submit.error} field="labels">
          <textarea id="config-labels" name="labels" rows={2} spellcheck={false} value={labels} onInput={(e) => setLabels(e.currentTarget.value)} aria-describedby={describedBy('config-labels')} />
        </Field>
        <fieldset class="settings">
          <legend>{t('receivers.settings')}</legend>
          <p class="muted">{t('configs.settingsHelp')}</p>
          <SettingsForm fields={fields} values={settings} onChange={setSettings} error={submit.error} idPrefix="config-setting" forConfig kept={kept} />
        </fieldset>
        <FormProblems error={submit.error} shown={['name', 'channel', 'labels', ...settingPaths(fields)]} />
        <button type="submit" disabled={submit.busy}>
          {t('receivers.save')}
        </button>
      </form>
    </section>
  );
}
