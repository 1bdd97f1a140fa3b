import { useEffect, useState } from 'preact/hooks';
import { alertmanagerPath, basePath, call, query, type Scope } from '../api.js';
import { Badge, describedBy, ErrorBox, Field, FieldErrors, FormProblems, Labels, LoadState, Time, useLoad, useSubmit } from '../components.js';
import { equalityMatcher } from '../grouping.js';
import { useI18n } from '../i18n.js';
import { href } from '../router.js';
import { matcherText } from '../matcher-text.js';
import type { Session } from '../session.js';
import type { AmAlert, Page, Silence } from '../types.js';

/** The scope's silences (tidings' API: schedules and permanence included), with expiry. */
export function SilencesPage({ session, scope, params }: { session: Session; scope: Scope; params: URLSearchParams }) {
  const { t } = useI18n();
  const silences = useLoad(() => call<Page<Silence>>(session, 'GET', `${basePath(scope)}/silences?limit=500`), [scope.accountId, scope.tenantId]);
  const expiring = useSubmit();
  const highlight = params.get('highlight');
  const order = { active: 0, pending: 1, expired: 2 } as const;
  const items = [...(silences.value?.items ?? [])].sort((a, b) => order[a.status.state] - order[b.status.state] || b.startsAt.localeCompare(a.startsAt));

  const expire = (id: string) =>
    expiring.run(async () => {
      await call(session, 'DELETE', `${basePath(scope)}/silences/${encodeURIComponent(id)}`);
      silences.reload();
    });

  return (
    <section>
      <h1>{t('silences.title')}</h1>
      <p>
        <a class="button" href={href(scope.tenantId, 'silences', 'new')}>
          {t('silences.new')}
        </a>
      </p>
      <LoadState load={silences} isEmpty={() => items.length === 0} empty={t('silences.empty')} />
      {expiring.error !== undefined && <ErrorBox error={expiring.error} />}
      <ul class="silences">
        {items.map((silence) => (
          <li key={silence.id} class={`silence${silence.id === highlight ? ' highlight' : ''}`} data-silence-id={silence.id} data-state={silence.status.state}>
            <Badge kind={silence.status.state}>{t(`state.${silence.status.state}`)}</Badge> <code>{silence.id}</code>
            <ul class="labels">
              {silence.matchers.map((m) => (
                <li class="label" key={matcherText(m)}>
                  {matcherText(m)}
                </li>
              ))}
            </ul>
            <p>
              <Time at={silence.startsAt} /> → {silence.permanent === true || silence.endsAt === undefined ? t('silences.never') : <Time at={silence.endsAt} />}
              {silence.schedule !== undefined && (
                <span> · {t('silences.schedule', { cron: silence.schedule.cron, seconds: silence.schedule.durationSeconds, zone: silence.schedule.timeZone })}</span>
              )}
              {' · '}
              {t('silences.by', { who: silence.createdBy })}
            </p>
            <p class="comment">{silence.comment}</p>
            {silence.status.state !== 'expired' && (
              <p>
                <button type="button" onClick={() => void expire(silence.id)}>
                  {t('silences.expire')}
                </button>{' '}
                <a href={href(scope.tenantId, 'silences', silence.id)}>{t('silences.edit')}</a>
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

const DURATIONS: ReadonlyArray<[string, number]> = [
  ['1h', 3_600_000],
  ['2h', 7_200_000],
  ['4h', 14_400_000],
  ['12h', 43_200_000],
  ['1d', 86_400_000],
  ['7d', 604_800_000],
];

/** How long a silence lasts: for a while from now, until a time, on a recurring schedule, or until expired. */
type Lasting = 'for' | 'until' | 'recurring' | 'permanent';

type SilenceForm = {
  matchers: string;
  lasting: Lasting;
  duration: string;
  until: string;
  cron: string;
  scheduleDuration: string;
  timeZone: string;
  createdBy: string;
  comment: string;
};

/** The non-empty lines of the matchers box. */
function matcherLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** `2026-12-02T18:30` in the browser's zone, as a datetime-local input shows it. */
function localInputValue(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function formOfSilence(silence: Silence | undefined, createdBy: string): SilenceForm {
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const hours = (seconds: number) => (seconds % 3600 === 0 ? `${seconds / 3600}h` : seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`);
  return {
    matchers: (silence?.matchers ?? []).map(matcherText).join('\n'),
    lasting: silence === undefined ? 'for' : silence.schedule !== undefined ? 'recurring' : silence.permanent === true || silence.endsAt === undefined ? 'permanent' : 'until',
    duration: '2h',
    until: localInputValue(silence?.endsAt ?? new Date(Date.now() + 7_200_000).toISOString()),
    cron: silence?.schedule?.cron ?? '0 2 * * *',
    scheduleDuration: silence?.schedule === undefined ? '2h' : hours(silence.schedule.durationSeconds),
    timeZone: silence?.schedule?.timeZone ?? browserZone,
    createdBy: silence?.createdBy ?? createdBy,
    comment: silence?.comment ?? '',
  };
}

/** The tidings API's silence body for the form (README, Silences). */
function silenceBody(form: SilenceForm, startsAt: string | undefined) {
  const common = { matchers: matcherLines(form.matchers), createdBy: form.createdBy, comment: form.comment, ...(startsAt === undefined ? {} : { startsAt }) };
  switch (form.lasting) {
    case 'for':
      return { ...common, endsAt: new Date(Date.now() + (DURATIONS.find(([name]) => name === form.duration)?.[1] ?? 7_200_000)).toISOString() };
    case 'until': {
      const until = new Date(form.until);
      return { ...common, endsAt: Number.isNaN(until.getTime()) ? form.until : until.toISOString() };
    }
    case 'recurring':
      return { ...common, schedule: { cron: form.cron.trim(), duration: form.scheduleDuration.trim(), timeZone: form.timeZone.trim() } };
    case 'permanent':
      return { ...common, permanent: true };
  }
}

/**
 * A new silence (from an alert's labels or from matchers) or an edit of one:
 * for a while, until a time, on a recurring schedule in a time zone, or until
 * expired; with the alerts it would mute now.
 */
export function SilenceFormPage({ session, scope, params, id }: { session: Session; scope: Scope; params: URLSearchParams; id: string | undefined }) {
  const { t } = useI18n();
  const fromAlert = params.get('fingerprint') ?? undefined;
  const defaultAuthor = session.principal.kind === 'tenant' ? session.principal.tenantId : 'operator';
  const [form, setForm] = useState<SilenceForm>(() => ({ ...formOfSilence(undefined, defaultAuthor), matchers: params.get('matchers') ?? '' }));
  const saving = useSubmit();
  const submitError = saving.error;
  const set = (patch: Partial<SilenceForm>) => setForm((previous) => ({ ...previous, ...patch }));

  // Editing: the silence as stored. From an alert: one equality matcher per label, as Alertmanager's UI does.
  const existing = useLoad(
    () => (id === undefined ? Promise.resolve(undefined) : call<Silence>(session, 'GET', `${basePath(scope)}/silences/${encodeURIComponent(id)}`)),
    [scope.accountId, scope.tenantId, id],
  );
  const source = useLoad(
    async () => (fromAlert === undefined ? undefined : (await call<AmAlert[]>(session, 'GET', alertmanagerPath(scope, 'alerts'))).find((a) => a.fingerprint === fromAlert)),
    [scope.accountId, scope.tenantId, fromAlert],
  );
  useEffect(() => {
    if (existing.value !== undefined) setForm(formOfSilence(existing.value, defaultAuthor));
  }, [existing.value]);
  useEffect(() => {
    const labels = source.value?.labels;
    if (labels !== undefined) set({ matchers: Object.keys(labels).sort().map((name) => equalityMatcher(name, labels[name]!)).join('\n') });
  }, [source.value]);

  const lines = matcherLines(form.matchers);
  const preview = useLoad(
    () =>
      lines.length === 0
        ? Promise.resolve([] as AmAlert[])
        : call<AmAlert[]>(session, 'GET', alertmanagerPath(scope, 'alerts') + query(lines.map((line): [string, string] => ['filter', line]))),
    [scope.accountId, scope.tenantId, lines.join('\n')],
  );

  const submit = (event: Event) => {
    event.preventDefault();
    void saving.run(async () => {
      const saved =
        id === undefined
          ? await call<Silence>(session, 'POST', `${basePath(scope)}/silences`, silenceBody(form, undefined))
          : await call<Silence>(session, 'PUT', `${basePath(scope)}/silences/${encodeURIComponent(id)}`, silenceBody(form, existing.value?.startsAt));
      location.hash = fromAlert === undefined ? href(scope.tenantId, 'silences', undefined, { highlight: saved.id }) : href(scope.tenantId, 'alerts', fromAlert);
    });
  };
  const text = (field: keyof SilenceForm, inputId: string) => ({
    id: inputId,
    name: field,
    value: form[field],
    'aria-describedby': describedBy(inputId),
    onInput: (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => set({ [field]: e.currentTarget.value }),
  });
  const shown = ['matchers', 'endsAt', 'schedule.cron', 'schedule.duration', 'schedule.timeZone', 'createdBy', 'comment'];

  if (existing.error !== undefined) return <ErrorBox error={existing.error} />;
  return (
    <section>
      <h1>{id === undefined ? t('silence.title') : t('silence.editTitle', { id })}</h1>
      <form class="form" onSubmit={submit} noValidate>
        <Field id="matchers" label={t('silence.matchers')} help={t('silence.matchersHelp')} error={submitError} field="matchers">
          <textarea {...text('matchers', 'matchers')} rows={Math.max(3, lines.length + 1)} spellcheck={false} aria-describedby={`${describedBy('matchers')} matchers-preview-error`} />
          <FieldErrors error={preview.error} field="filter" id="matchers-preview-error" />
        </Field>
        <Field id="lasting" label={t('silence.lasting')}>
          <select id="lasting" name="lasting" value={form.lasting} onChange={(e) => set({ lasting: e.currentTarget.value as Lasting })}>
            <option value="for">{t('silence.lastingFor')}</option>
            <option value="until">{t('silence.lastingUntil')}</option>
            <option value="recurring">{t('silence.lastingRecurring')}</option>
            <option value="permanent">{t('silence.lastingPermanent')}</option>
          </select>
        </Field>
        {form.lasting === 'for' && (
          <Field id="duration" label={t('silence.duration')}>
            <select id="duration" name="duration" value={form.duration} onChange={(e) => set({ duration: e.currentTarget.value })}>
              {DURATIONS.map(([name]) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </Field>
        )}
        {form.lasting === 'until' && (
          <Field id="until" label={t('silence.until')} error={submitError} field="endsAt">
            <input type="datetime-local" {...text('until', 'until')} />
          </Field>
        )}
        {form.lasting === 'recurring' && (
          <fieldset>
            <legend>{t('silence.schedule')}</legend>
            <Field id="cron" label={t('silence.cron')} help={t('silence.cronHelp')} error={submitError} field="schedule.cron">
              <input {...text('cron', 'cron')} spellcheck={false} />
            </Field>
            <Field id="schedule-duration" label={t('silence.scheduleDuration')} error={submitError} field="schedule.duration">
              <input {...text('scheduleDuration', 'schedule-duration')} />
            </Field>
            <Field id="time-zone" label={t('silence.timeZone')} error={submitError} field="schedule.timeZone">
              <input {...text('timeZone', 'time-zone')} spellcheck={false} />
            </Field>
          </fieldset>
        )}
        <Field id="created-by" label={t('silence.createdBy')} error={submitError} field="createdBy">
          <input {...text('createdBy', 'created-by')} required />
        </Field>
        <Field id="comment" label={t('silence.comment')} error={submitError} field="comment">
          <input {...text('comment', 'comment')} required />
        </Field>
        <FormProblems error={submitError} shown={shown} />
        <button type="submit" disabled={saving.busy}>
          {id === undefined ? t('silence.create') : t('silence.save')}
        </button>
      </form>
      <h2 class="preview-title">{preview.value !== undefined && preview.value.length > 0 ? t('silence.preview', { count: preview.value.length }) : t('silence.previewEmpty')}</h2>
      <ul class="preview">
        {(preview.value ?? []).map((alert) => (
          <li key={alert.fingerprint} data-fingerprint={alert.fingerprint}>
            <a href={href(scope.tenantId, 'alerts', alert.fingerprint)}>{alert.labels.alertname ?? alert.fingerprint}</a> <Labels labels={alert.labels} omit={['alertname']} />
          </li>
        ))}
      </ul>
    </section>
  );
}
