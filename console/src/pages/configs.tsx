import { useState } from 'preact/hooks';
import { ApiError, basePath, call, type Scope } from '../api.js';
import { describedBy, ErrorBox, Field, Labels, Time, useLoad } from '../components.js';
import { useI18n } from '../i18n.js';
import { parseLabels } from '../labels-text.js';
import type { Session } from '../session.js';
import type { ConfigView, Page } from '../types.js';
import { startingSettingsText } from '../channel-settings.js';
import { CHANNELS } from './receivers.js';

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
  const [settings, setSettings] = useState(() => startingSettingsText('dingtalk'));
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const path = (config: string) => `${basePath(scope)}/configs/${encodeURIComponent(config)}`;

  const save = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setSaved(undefined);
    const parsedLabels = parseLabels(labels);
    if ('badLine' in parsedLabels) {
      setError(new ApiError(400, t('explain.badLine', { line: parsedLabels.badLine }), [{ field: 'labels', message: t('explain.badLine', { line: parsedLabels.badLine }) }]));
      return;
    }
    let parsedSettings: unknown;
    try {
      parsedSettings = JSON.parse(settings);
    } catch (failure) {
      setError(new ApiError(400, t('receivers.settingsNotJson'), [{ field: 'settings', message: (failure as Error).message }]));
      return;
    }
    if (name.trim() === '') {
      setError(new ApiError(400, t('receivers.nameRequired'), [{ field: 'name', message: t('receivers.nameRequired') }]));
      return;
    }
    setBusy(true);
    try {
      const result = await call<ConfigView>(session, 'PUT', path(name.trim()), { channel, labels: parsedLabels.labels, settings: parsedSettings });
      setSaved(t('configs.saved', { name: result.name, version: result.version }));
      // The values are sealed now: nothing of them stays in the page.
      setSettings(startingSettingsText(channel));
      configs.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (config: string) => {
    setError(undefined);
    try {
      await call(session, 'DELETE', path(config));
      configs.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  const unshown = error instanceof ApiError ? error.otherThan(['name', 'channel', 'labels', 'settings']) : [];

  return (
    <section>
      <h1>{t('configs.title')}</h1>
      <p class="muted">{t('configs.intro')}</p>
      {configs.error !== undefined && <ErrorBox error={configs.error} />}
      {configs.value !== undefined && configs.value.items.length === 0 && <p class="empty">{t('configs.empty')}</p>}
      <ul class="receivers">
        {(configs.value?.items ?? []).map((config) => (
          <li key={config.name} class="receiver-row" data-config={config.name}>
            <strong>{config.name}</strong> <span class="muted">{config.channel}</span> <Labels labels={config.labels} />
            <p class="muted">
              {t('configs.settingNames', { names: Object.keys(config.settings).join(', ') || '–' })} · <Time at={config.updatedAt} />
            </p>
            <button type="button" onClick={() => void remove(config.name)}>
              {t('configs.delete')}
            </button>
          </li>
        ))}
      </ul>
      <h2>{t('configs.put')}</h2>
      {saved !== undefined && (
        <p class="notice" role="status">
          {saved}
        </p>
      )}
      <form class="form" onSubmit={(event) => void save(event)} noValidate>
        <Field id="config-name" label={t('receivers.name')} help={t('configs.nameHelp')} error={error} field="name">
          <input id="config-name" name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} aria-describedby={describedBy('config-name')} />
        </Field>
        <Field id="config-channel" label={t('receivers.channel')} error={error} field="channel">
          <select
            id="config-channel"
            name="channel"
            value={channel}
            onChange={(e) => {
              const next = e.currentTarget.value;
              // Untouched starting settings follow the channel; anything typed stays.
              if (settings === startingSettingsText(channel)) setSettings(startingSettingsText(next));
              setChannel(next);
            }}
            aria-describedby={describedBy('config-channel')}
          >
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </Field>
        <Field id="config-labels" label={t('configs.labels')} help={t('configs.labelsHelp')} error={error} field="labels">
          <textarea id="config-labels" name="labels" rows={2} spellcheck={false} value={labels} onInput={(e) => setLabels(e.currentTarget.value)} aria-describedby={describedBy('config-labels')} />
        </Field>
        <Field id="config-settings" label={t('receivers.settings')} help={t('configs.settingsHelp')} error={error} field="settings">
          <textarea
            id="config-settings"
            name="settings"
            rows={6}
            spellcheck={false}
            autocomplete="off"
            value={settings}
            onInput={(e) => setSettings(e.currentTarget.value)}
            aria-describedby={describedBy('config-settings')}
          />
        </Field>
        {error !== undefined && (!(error instanceof ApiError) || error.issues.length === 0) && <ErrorBox error={error} />}
        {unshown.map((issue) => (
          <p class="field-error" key={issue.field}>{`${issue.field}: ${issue.message}`}</p>
        ))}
        <button type="submit" disabled={busy}>
          {t('receivers.save')}
        </button>
      </form>
    </section>
  );
}
