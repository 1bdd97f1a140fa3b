import { useEffect, useState } from 'preact/hooks';
import { alertmanagerPath, basePath, call, query, type Scope } from '../api.js';
import { Badge, describedBy, ErrorBox, Field, FieldErrors, Labels, Time, useLoad } from '../components.js';
import { equalityMatcher } from '../grouping.js';
import { useI18n } from '../i18n.js';
import { href } from '../router.js';
import type { Session } from '../session.js';
import type { AmAlert, Matcher, Page, Silence } from '../types.js';

/** A matcher as Alertmanager writes it: `name="value"`, `name=~"regex"`, … */
export function matcherText(matcher: Matcher): string {
  const operator = matcher.isRegex ? (matcher.isEqual === false ? '!~' : '=~') : matcher.isEqual === false ? '!=' : '=';
  return `${matcher.name}${operator}${JSON.stringify(matcher.value)}`;
}

/** The scope's silences (tidings' API: schedules and permanence included), with expiry. */
export function SilencesPage({ session, scope, params }: { session: Session; scope: Scope; params: URLSearchParams }) {
  const { t } = useI18n();
  const silences = useLoad(() => call<Page<Silence>>(session, 'GET', `${basePath(scope)}/silences?limit=500`), [scope.accountId, scope.tenantId]);
  const [expireError, setExpireError] = useState<unknown>(undefined);
  const highlight = params.get('highlight');
  const order = { active: 0, pending: 1, expired: 2 } as const;
  const items = [...(silences.value?.items ?? [])].sort((a, b) => order[a.status.state] - order[b.status.state] || b.startsAt.localeCompare(a.startsAt));

  const expire = async (id: string) => {
    setExpireError(undefined);
    try {
      await call(session, 'DELETE', `${basePath(scope)}/silences/${encodeURIComponent(id)}`);
      silences.reload();
    } catch (error) {
      setExpireError(error);
    }
  };

  return (
    <section>
      <h1>{t('silences.title')}</h1>
      <p>
        <a class="button" href={href(scope.tenantId, 'silences', 'new')}>
          {t('silences.new')}
        </a>
      </p>
      {silences.loading && <p aria-busy="true">{t('common.loading')}</p>}
      {silences.error !== undefined && <ErrorBox error={silences.error} />}
      {expireError !== undefined && <ErrorBox error={expireError} />}
      {silences.value !== undefined && items.length === 0 && <p class="empty">{t('silences.empty')}</p>}
      <ul class="silences">
        {items.map((silence) => (
          <li key={silence.id} class={`silence${silence.id === highlight ? ' highlight' : ''}`} data-silence-id={silence.id} data-state={silence.status.state}>
            <Badge kind={silence.status.state}>{silence.status.state}</Badge> <code>{silence.id}</code>
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
              <button type="button" onClick={() => void expire(silence.id)}>
                {t('silences.expire')}
              </button>
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

/** The non-empty lines of the matchers box. */
function matcherLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** A new silence, from an alert's labels or from matchers, with the alerts it would mute now. */
export function NewSilencePage({ session, scope, params }: { session: Session; scope: Scope; params: URLSearchParams }) {
  const { t } = useI18n();
  const fromAlert = params.get('fingerprint') ?? undefined;
  const [matchers, setMatchers] = useState(params.get('matchers') ?? '');
  const [duration, setDuration] = useState('2h');
  const [createdBy, setCreatedBy] = useState(session.principal.kind === 'tenant' ? session.principal.tenantId : 'operator');
  const [comment, setComment] = useState('');
  const [submitError, setSubmitError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  // Starting from an alert: one equality matcher per label, as Alertmanager's UI does.
  const source = useLoad(
    async () => (fromAlert === undefined ? undefined : (await call<AmAlert[]>(session, 'GET', alertmanagerPath(scope, 'alerts'))).find((a) => a.fingerprint === fromAlert)),
    [scope.accountId, scope.tenantId, fromAlert],
  );
  useEffect(() => {
    const labels = source.value?.labels;
    if (labels !== undefined) setMatchers(Object.keys(labels).sort().map((name) => equalityMatcher(name, labels[name]!)).join('\n'));
  }, [source.value]);

  const lines = matcherLines(matchers);
  const preview = useLoad(
    () =>
      lines.length === 0
        ? Promise.resolve([] as AmAlert[])
        : call<AmAlert[]>(session, 'GET', alertmanagerPath(scope, 'alerts') + query(lines.map((line): [string, string] => ['filter', line]))),
    [scope.accountId, scope.tenantId, lines.join('\n')],
  );

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setSubmitError(undefined);
    try {
      const endsAt = new Date(Date.now() + (DURATIONS.find(([name]) => name === duration)?.[1] ?? 7_200_000)).toISOString();
      const created = await call<Silence>(session, 'POST', `${basePath(scope)}/silences`, { matchers: lines, endsAt, createdBy, comment });
      location.hash = fromAlert === undefined ? href(scope.tenantId, 'silences', undefined, { highlight: created.id }) : href(scope.tenantId, 'alerts', fromAlert);
    } catch (error) {
      setSubmitError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>{t('silence.title')}</h1>
      <form class="form" onSubmit={(event) => void submit(event)}>
        <Field id="matchers" label={t('silence.matchers')} help={t('silence.matchersHelp')} error={submitError} field="matchers">
          <textarea
            id="matchers"
            name="matchers"
            rows={Math.max(3, lines.length + 1)}
            value={matchers}
            onInput={(e) => setMatchers(e.currentTarget.value)}
            aria-describedby={`${describedBy('matchers')} matchers-preview-error`}
          />
          <FieldErrors error={preview.error} field="filter" id="matchers-preview-error" />
        </Field>
        <Field id="duration" label={t('silence.duration')}>
          <select id="duration" name="duration" value={duration} onChange={(e) => setDuration(e.currentTarget.value)}>
            {DURATIONS.map(([name]) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="created-by" label={t('silence.createdBy')} error={submitError} field="createdBy">
          <input id="created-by" name="createdBy" value={createdBy} required onInput={(e) => setCreatedBy(e.currentTarget.value)} aria-describedby={describedBy('created-by')} />
        </Field>
        <Field id="comment" label={t('silence.comment')} error={submitError} field="comment">
          <input id="comment" name="comment" value={comment} required onInput={(e) => setComment(e.currentTarget.value)} aria-describedby={describedBy('comment')} />
        </Field>
        {submitError !== undefined && <ErrorBox error={submitError} />}
        <button type="submit" disabled={busy}>
          {t('silence.create')}
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
