import { useState } from 'preact/hooks';
import { ApiError, basePath, call, type Scope } from '../api.js';
import { valuesOf } from '../channel-fields.js';
import { Badge, describedBy, ErrorBox, Field, fieldError, FormProblems, LoadState, useLoad, useSubmit } from '../components.js';
import { ExpressionRows } from '../expression-rows.js';
import { PairRows } from '../pair-rows.js';
import { keptOf, receiverBodyOf, receiverFormOf, type ReceiverForm } from '../receiver-form.js';
import { ChannelSelect, fieldsOf, settingPaths, SettingsForm } from '../settings-form.js';
import { useI18n } from '../i18n.js';
import { href } from '../router.js';
import type { Session } from '../session.js';
import type { Page, ReceiverView, TemplateSet, TestSendResult } from '../types.js';

/** The fields the form shows next to their input, besides the settings; the API's messages about any other field are listed above the button. */
const FORM_FIELDS = [
  'name',
  'channel',
  'grouping.groupBy',
  'grouping.groupWait',
  'grouping.groupInterval',
  'grouping.repeatInterval',
  'grouping.maxAlerts',
  'grouping.sendResolved',
  'filter.matchers',
  'filter.matchLabels',
  'filter.matchExpressions',
  'configSelector',
  'presentation.language',
  'presentation.timeZone',
  'presentation.templateSet',
];

function receiverPath(scope: Scope, name: string): string {
  return `${basePath(scope)}/receivers/${encodeURIComponent(name)}`;
}

/** The outcome of a test-send, as text. */
function TestSendOutcome({ result }: { result: TestSendResult | ApiError | Error }) {
  const { t } = useI18n();
  if (result instanceof Error) return <ErrorBox error={result} />;
  return (
    <p class={result.ok ? 'test-result ok' : 'test-result failed'} role="status" data-ok={String(result.ok)}>
      {result.ok ? t('receivers.testOk', { status: result.statusCode }) : t('receivers.testFailed', { error: result.error })}
      {!result.ok && 'statusCode' in result && result.statusCode !== undefined && ` (HTTP ${result.statusCode})`}
      {'fields' in result && result.fields !== undefined && result.fields.length > 0 && ` [${result.fields.join(', ')}]`}
    </p>
  );
}

function useTestSend(session: Session, scope: Scope) {
  const [results, setResults] = useState<Record<string, TestSendResult | Error>>({});
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const send = async (name: string) => {
    setBusy(name);
    try {
      const result = await call<TestSendResult>(session, 'POST', `${receiverPath(scope, name)}/test`);
      setResults((previous) => ({ ...previous, [name]: result }));
    } catch (error) {
      setResults((previous) => ({ ...previous, [name]: error instanceof Error ? error : new Error(String(error)) }));
    } finally {
      setBusy(undefined);
    }
  };
  return { results, busy, send };
}

/** The scope's receivers with their effective grouping, and a test-send for each. */
export function ReceiversPage({ session, scope }: { session: Session; scope: Scope }) {
  const { t } = useI18n();
  const receivers = useLoad(() => call<Page<ReceiverView>>(session, 'GET', `${basePath(scope)}/receivers`), [scope.accountId, scope.tenantId]);
  const testSend = useTestSend(session, scope);
  return (
    <section>
      <h1>{t('receivers.title')}</h1>
      <p>
        <a class="button" href={href(scope.tenantId, 'new-receiver')}>
          {t('receivers.new')}
        </a>
      </p>
      <LoadState load={receivers} isEmpty={(page) => page.items.length === 0} empty={t('receivers.empty')} />
      <ul class="receivers">
        {(receivers.value?.items ?? []).map((receiver) => (
          <li key={receiver.name} class="receiver-row" data-receiver={receiver.name}>
            <a class="receiver" href={href(scope.tenantId, 'receivers', receiver.name)}>
              {receiver.name}
            </a>{' '}
            <span class="muted">{receiver.channel}</span> {receiver.enabled ? null : <Badge kind="expired">{t('receivers.disabled')}</Badge>}
            <p class="muted">
              {t('receivers.groupingSummary', {
                groupBy: receiver.grouping.groupBy.join(', ') || '∅',
                wait: receiver.grouping.groupWait,
                interval: receiver.grouping.groupInterval,
                repeat: receiver.grouping.repeatInterval,
              })}
            </p>
            <button type="button" disabled={testSend.busy === receiver.name} onClick={() => void testSend.send(receiver.name)}>
              {t('receivers.test')}
            </button>
            {testSend.results[receiver.name] !== undefined && <TestSendOutcome result={testSend.results[receiver.name]!} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Creates or edits a receiver; the API's messages appear by the field they are about. */
export function ReceiverPage({ session, scope, name, params }: { session: Session; scope: Scope; name: string | undefined; params: URLSearchParams }) {
  const { t } = useI18n();
  const creating = name === undefined;
  const loaded = useLoad(() => (creating ? Promise.resolve(undefined) : call<ReceiverView>(session, 'GET', receiverPath(scope, name))), [scope.accountId, scope.tenantId, name]);
  const [form, setForm] = useState<ReceiverForm | undefined>(undefined);
  const [saved, setSaved] = useState<ReceiverView | undefined>(undefined);
  const submit = useSubmit();
  const error = submit.error;
  const testSend = useTestSend(session, scope);
  // The scope's template sets, offered by name (a tenant's receiver may also name a global set it cannot list).
  const templateSets = useLoad(() => call<Page<TemplateSet>>(session, 'GET', `${basePath(scope)}/template-sets`), [scope.accountId, scope.tenantId]);
  const current = saved ?? loaded.value;
  const values = form ?? (loaded.loading ? undefined : receiverFormOf(loaded.value, name ?? '', fieldsOf(loaded.value?.channel ?? 'webhook')));
  if (loaded.error !== undefined) return <ErrorBox error={loaded.error} />;
  if (values === undefined) return <p aria-busy="true">{t('common.loading')}</p>;
  const set = (patch: Partial<ReceiverForm>) => setForm({ ...values, ...patch });
  const setFilter = (patch: Partial<ReceiverForm['filter']>) => set({ filter: { ...values.filter, ...patch } });
  const input = (field: 'name' | 'groupBy' | 'groupWait' | 'groupInterval' | 'repeatInterval' | 'maxAlerts' | 'timeZone' | 'templateSet', id: string) => ({
    id,
    name: field,
    value: values[field],
    'aria-describedby': describedBy(id),
    onInput: (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => set({ [field]: e.currentTarget.value }),
  });
  const fields = fieldsOf(values.channel);

  const save = (event: Event) => {
    event.preventDefault();
    setSaved(undefined);
    const target = creating ? values.name.trim() : name;
    void submit.run(async () => {
      if (target === '') throw fieldError('name', t('receivers.nameRequired'));
      const version = current?.version;
      const result = await call<ReceiverView>(session, 'PUT', receiverPath(scope, target), receiverBodyOf(values, current, fields), version === undefined ? {} : { 'if-match': `"${version}"` });
      setSaved(result);
      setForm(receiverFormOf(result, target, fieldsOf(result.channel)));
      if (creating) location.hash = href(scope.tenantId, 'receivers', target, { saved: '1' });
    });
  };

  return (
    <section>
      <h1>{creating ? t('receivers.new') : t('receivers.edit', { name })}</h1>
      {(saved !== undefined || (params.get('saved') === '1' && current !== undefined)) && (
        <p class="notice" role="status">
          {t('receivers.saved', { version: (saved ?? current)!.version })}
        </p>
      )}
      <form class="form" onSubmit={save} noValidate>
        {creating && (
          <Field id="name" label={t('receivers.name')} error={error} field="name">
            <input {...input('name', 'name')} required />
          </Field>
        )}
        <ChannelSelect
          id="channel"
          value={values.channel}
          error={error}
          onChange={(channel) => {
            // The last refusal was about the other channel's settings.
            submit.setError(undefined);
            set({ channel, settings: valuesOf(fieldsOf(channel), channel === current?.channel ? current.settings : undefined) });
          }}
        />
        <label class="check">
          <input type="checkbox" name="enabled" checked={values.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} /> {t('receivers.enabled')}
        </label>
        <fieldset class="settings">
          <legend>{t('receivers.settings')}</legend>
          <p class="muted">{t('receivers.settingsHelp')}</p>
          <SettingsForm
            fields={fields}
            values={values.settings}
            onChange={(settings) => set({ settings })}
            error={error}
            idPrefix="setting"
            kept={keptOf(values.channel, fields, current)}
          />
        </fieldset>
        <fieldset>
          <legend>{t('receivers.grouping')}</legend>
          {current !== undefined && (
            <p class="muted">
              {t('receivers.groupingInherited', {
                groupBy: current.grouping.groupBy.join(', ') || '∅',
                wait: current.grouping.groupWait,
                interval: current.grouping.groupInterval,
                repeat: current.grouping.repeatInterval,
              })}
            </p>
          )}
          <Field id="group-by" label={t('receivers.groupBy')} error={error} field="grouping.groupBy">
            <input {...input('groupBy', 'group-by')} placeholder={current?.grouping.groupBy.join(', ')} />
          </Field>
          <Field id="group-wait" label={t('receivers.groupWait')} error={error} field="grouping.groupWait">
            <input {...input('groupWait', 'group-wait')} placeholder={current?.grouping.groupWait ?? '30s'} />
          </Field>
          <Field id="group-interval" label={t('receivers.groupInterval')} error={error} field="grouping.groupInterval">
            <input {...input('groupInterval', 'group-interval')} placeholder={current?.grouping.groupInterval ?? '5m'} />
          </Field>
          <Field id="repeat-interval" label={t('receivers.repeatInterval')} error={error} field="grouping.repeatInterval">
            <input {...input('repeatInterval', 'repeat-interval')} placeholder={current?.grouping.repeatInterval ?? '4h'} />
          </Field>
          <Field id="max-alerts" label={t('receivers.maxAlerts')} help={t('receivers.maxAlertsHelp')} error={error} field="grouping.maxAlerts">
            <input {...input('maxAlerts', 'max-alerts')} inputMode="numeric" placeholder={String(current?.grouping.maxAlerts ?? 0)} />
          </Field>
          <Field id="send-resolved" label={t('receivers.sendResolved')} error={error} field="grouping.sendResolved">
            <select id="send-resolved" value={values.sendResolved} onChange={(e) => set({ sendResolved: e.currentTarget.value as ReceiverForm['sendResolved'] })}>
              <option value="">{t('receivers.inherit')}</option>
              <option value="true">{t('receivers.yes')}</option>
              <option value="false">{t('receivers.no')}</option>
            </select>
          </Field>
        </fieldset>
        <fieldset>
          <legend>{t('receivers.filter')}</legend>
          <small>{t('receivers.filterHelp')}</small>
          <Field id="filter" label={t('receivers.matchers')} help={t('selector.matchersHelp')} error={error} field="filter.matchers">
            <textarea id="filter" name="matchers" rows={3} spellcheck={false} value={values.filter.matchers} aria-describedby={describedBy('filter')} onInput={(e) => setFilter({ matchers: e.currentTarget.value })} />
          </Field>
          <Field id="filter-matchLabels" label={t('selector.matchLabels')} error={error} field="filter.matchLabels">
            <PairRows id="filter-matchLabels" label={t('selector.matchLabels')} rows={values.filter.matchLabels} onChange={(rows) => setFilter({ matchLabels: rows })} describedBy={describedBy('filter-matchLabels')} />
          </Field>
          <ExpressionRows id="filter-matchExpressions" field="filter.matchExpressions" rows={values.filter.matchExpressions} onChange={(rows) => setFilter({ matchExpressions: rows })} error={error} />
        </fieldset>
        <Field id="config-selector" label={t('receivers.configSelector')} help={t('receivers.configSelectorHelp')} error={error} field="configSelector">
          <PairRows id="config-selector" label={t('receivers.configSelector')} rows={values.configSelector} onChange={(configSelector) => set({ configSelector })} describedBy={describedBy('config-selector')} />
        </Field>
        <Field id="language" label={t('receivers.language')} error={error} field="presentation.language">
          <select id="language" value={values.language} onChange={(e) => set({ language: e.currentTarget.value })}>
            <option value="">{t('receivers.inherit')}</option>
            <option value="en">English</option>
            <option value="zh-cn">简体中文</option>
          </select>
        </Field>
        <Field id="time-zone" label={t('receivers.timeZone')} error={error} field="presentation.timeZone">
          <input {...input('timeZone', 'time-zone')} placeholder="Europe/Berlin" />
        </Field>
        <Field id="template-set" label={t('receivers.templateSet')} help={t('receivers.templateSetHelp')} error={error} field="presentation.templateSet">
          <input {...input('templateSet', 'template-set')} list="template-sets" autocomplete="off" />
          <datalist id="template-sets">
            {(templateSets.value?.items ?? []).map((set) => (
              <option key={set.name} value={set.name} />
            ))}
          </datalist>
        </Field>
        <FormProblems error={error} shown={[...FORM_FIELDS, ...settingPaths(fields)]} />
        <button type="submit" disabled={submit.busy}>
          {t('receivers.save')}
        </button>
      </form>
      {!creating && (
        <p>
          <button type="button" disabled={testSend.busy !== undefined} onClick={() => void testSend.send(name)}>
            {t('receivers.test')}
          </button>
          {testSend.results[name] !== undefined && <TestSendOutcome result={testSend.results[name]!} />}
        </p>
      )}
    </section>
  );
}
