import { useState } from 'preact/hooks';
import { basePath, call, type Scope } from '../api.js';
import { describedBy, Field, FormProblems, LoadState, useLoad, useSubmit } from '../components.js';
import { accountSettingsBodyOf, accountSettingsFormOf, ROUTE_POLICIES, type AccountSettingsForm } from '../account-settings-form.js';
import { useI18n } from '../i18n.js';
import type { Session } from '../session.js';
import type { AccountSettings } from '../types.js';

const GROUPING_FIELDS = ['groupBy', 'groupWait', 'groupInterval', 'repeatInterval', 'sendResolved', 'maxAlerts'] as const;

function SettingsEditor({ session, path, loaded, onSaved }: { session: Session; path: string; loaded: AccountSettings; onSaved: (saved: AccountSettings) => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState<AccountSettingsForm>(() => accountSettingsFormOf(loaded));
  const submit = useSubmit();
  const error = submit.error;
  const set = (patch: Partial<AccountSettingsForm>) => setForm({ ...form, ...patch });
  const save = (event: Event) => {
    event.preventDefault();
    void submit.run(async () => {
      // Version 0: never written, so there is nothing to match.
      onSaved(await call<AccountSettings>(session, 'PUT', path, accountSettingsBodyOf(form), loaded.version === 0 ? {} : { 'if-match': `"${loaded.version}"` }));
    });
  };
  const inherited = loaded.grouping;
  const text = (field: 'groupBy' | 'groupWait' | 'groupInterval' | 'repeatInterval' | 'maxAlerts' | 'historyRetentionDays', apiField: string, placeholder: string, help?: string) => (
    <Field id={`settings-${field}`} label={t(`settings.${field}`)} help={help} error={error} field={apiField}>
      <input id={`settings-${field}`} value={form[field]} placeholder={placeholder} onInput={(e) => set({ [field]: e.currentTarget.value })} aria-describedby={describedBy(`settings-${field}`)} />
    </Field>
  );
  return (
    <form class="form" onSubmit={save} noValidate>
      <Field id="settings-routePolicy" label={t('settings.routePolicy')} help={t(`settings.routePolicy.${form.routePolicy as (typeof ROUTE_POLICIES)[number]}`)} error={error} field="routePolicy">
        <select id="settings-routePolicy" value={form.routePolicy} onChange={(e) => set({ routePolicy: e.currentTarget.value })} aria-describedby={describedBy('settings-routePolicy')}>
          {ROUTE_POLICIES.map((policy) => (
            <option key={policy} value={policy}>
              {policy}
            </option>
          ))}
        </select>
      </Field>
      <label class="check">
        <input type="checkbox" checked={form.defaultRules} onChange={(e) => set({ defaultRules: e.currentTarget.checked })} /> {t('settings.defaultRules')}
      </label>
      <fieldset>
        <legend>{t('settings.grouping')}</legend>
        <small>{t('settings.groupingHelp')}</small>
        {text('groupBy', 'grouping.groupBy', inherited.groupBy.join(', '))}
        {text('groupWait', 'grouping.groupWait', inherited.groupWait)}
        {text('groupInterval', 'grouping.groupInterval', inherited.groupInterval)}
        {text('repeatInterval', 'grouping.repeatInterval', inherited.repeatInterval)}
        <Field id="settings-sendResolved" label={t('settings.sendResolved')} error={error} field="grouping.sendResolved">
          <select id="settings-sendResolved" value={form.sendResolved} onChange={(e) => set({ sendResolved: e.currentTarget.value as AccountSettingsForm['sendResolved'] })} aria-describedby={describedBy('settings-sendResolved')}>
            <option value="">{t('settings.inherit', { value: String(inherited.sendResolved) })}</option>
            <option value="true">true</option>
            <option value="false">false</option>
          </select>
        </Field>
        {text('maxAlerts', 'grouping.maxAlerts', String(inherited.maxAlerts), t('settings.maxAlertsHelp'))}
      </fieldset>
      {text('historyRetentionDays', 'historyRetentionDays', '', t('settings.historyRetentionDaysHelp'))}
      <FormProblems error={error} shown={['routePolicy', 'defaultRules', 'grouping', ...GROUPING_FIELDS.map((field) => `grouping.${field}`), 'historyRetentionDays']} />
      <button type="submit" disabled={submit.busy}>
        {t('receivers.save')}
      </button>
    </form>
  );
}

/** The account's settings (operator): route policy, the shipped default rules, grouping defaults under every receiver's own, history retention. */
export function AccountSettingsPage({ session, scope }: { session: Session; scope: Scope }) {
  const { t } = useI18n();
  const path = `${basePath({ accountId: scope.accountId })}/settings`;
  const load = useLoad(() => call<AccountSettings>(session, 'GET', path), [scope.accountId]);
  const [saved, setSaved] = useState<AccountSettings | undefined>(undefined);
  const current = saved ?? load.value;
  return (
    <section>
      <h1>{t('settings.title', { account: scope.accountId })}</h1>
      <LoadState load={load} isEmpty={() => false} empty="" />
      {saved !== undefined && (
        <p class="notice" role="status">
          {t('common.savedVersion', { version: saved.version })}
        </p>
      )}
      {current !== undefined && <SettingsEditor key={current.version} session={session} path={path} loaded={current} onSaved={setSaved} />}
    </section>
  );
}
