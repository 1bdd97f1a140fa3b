import { useEffect, useState } from 'preact/hooks';
import { ApiError, alertmanagerPath, basePath, call, query, type Scope } from '../api.js';
import { Badge, describedBy, ErrorBox, Field, Labels, Time, useLoad } from '../components.js';
import { equalityMatcher, groupAlerts } from '../grouping.js';
import { useI18n } from '../i18n.js';
import { href } from '../router.js';
import type { Session } from '../session.js';
import type { AmAlert, Page, ReceiverView } from '../types.js';

/** Whether an alert is muted, and how, as a badge. */
export function AlertState({ alert }: { alert: AmAlert }) {
  const { t } = useI18n();
  if (alert.status.silencedBy.length > 0) return <Badge kind="silenced">{t('state.silenced')}</Badge>;
  if (alert.status.inhibitedBy.length > 0) return <Badge kind="inhibited">{t('state.inhibited')}</Badge>;
  return <Badge kind="active">{t('state.active')}</Badge>;
}

/** The scope's firing alerts from its Alertmanager v2 API, filtered by matchers and grouped like Alertmanager. */
export function AlertsPage({ session, scope, params }: { session: Session; scope: Scope; params: URLSearchParams }) {
  const { t } = useI18n();
  const [filter, setFilter] = useState(params.get('filter') ?? '');
  const [applied, setApplied] = useState(filter);
  const [groupBy, setGroupBy] = useState(params.get('groupBy') ?? 'alertname');
  const [silenced, setSilenced] = useState(true);
  const [inhibited, setInhibited] = useState(true);
  const [autoRefresh, setAutoRefresh] = useState(params.get('refresh') === '30s');
  const alerts = useLoad(
    () =>
      call<AmAlert[]>(
        session,
        'GET',
        alertmanagerPath(scope, 'alerts') + query([['filter', applied], ['silenced', String(silenced)], ['inhibited', String(inhibited)]]),
      ),
    [scope.accountId, scope.tenantId, applied, silenced, inhibited],
  );
  // The Alertmanager API refuses a filter with its reason as a plain string: that reason belongs by the field.
  const filterError =
    alerts.error instanceof ApiError && alerts.error.status === 400
      ? alerts.error.issues.length > 0
        ? alerts.error
        : new ApiError(400, alerts.error.message, [{ field: 'filter', message: alerts.error.message }])
      : undefined;
  const { reload } = alerts;
  useEffect(() => {
    if (!autoRefresh) return undefined;
    const timer = setInterval(reload, 30_000);
    return () => clearInterval(timer);
  }, [autoRefresh, reload]);
  // Receivers' own grouping, offered as presets; the list is a convenience, so a failure only hides it.
  const receivers = useLoad(() => call<Page<ReceiverView>>(session, 'GET', `${basePath(scope)}/receivers`).catch(() => ({ items: [] })), [scope.accountId, scope.tenantId]);
  const labels = groupBy
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const groups = alerts.value === undefined ? [] : groupAlerts(alerts.value, labels);

  return (
    <section>
      <h1>{t('alerts.title')}</h1>
      <form
        class="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          setApplied(filter);
          if (filter === applied) alerts.reload();
        }}
      >
        <Field id="filter" label={t('alerts.filter')} help={t('alerts.filterHelp')} error={filterError} field="filter">
          <input id="filter" name="filter" value={filter} placeholder='severity="critical"' aria-describedby={describedBy('filter')} onInput={(e) => setFilter(e.currentTarget.value)} />
        </Field>
        <Field id="group-by" label={t('alerts.groupBy')} help={t('alerts.groupByHelp')}>
          <input id="group-by" name="groupBy" value={groupBy} onInput={(e) => setGroupBy(e.currentTarget.value)} aria-describedby={describedBy('group-by')} />
        </Field>
        {receivers.value !== undefined && receivers.value.items.length > 0 && (
          <Field id="group-like" label={t('alerts.groupLike')}>
            <select id="group-like" onChange={(e) => setGroupBy(e.currentTarget.value)} value="">
              <option value="">–</option>
              {receivers.value.items.map((r) => (
                <option key={r.name} value={r.grouping.groupBy.join(', ')}>
                  {`${r.name} (${r.grouping.groupBy.join(', ') || '∅'})`}
                </option>
              ))}
            </select>
          </Field>
        )}
        <label class="check">
          <input type="checkbox" checked={silenced} onChange={(e) => setSilenced(e.currentTarget.checked)} />
          {t('alerts.showSilenced')}
        </label>
        <label class="check">
          <input type="checkbox" checked={inhibited} onChange={(e) => setInhibited(e.currentTarget.checked)} />
          {t('alerts.showInhibited')}
        </label>
        <label class="check">
          <input type="checkbox" checked={autoRefresh} onChange={(e) => setAutoRefresh(e.currentTarget.checked)} />
          {t('alerts.autoRefresh')}
        </label>
        <button type="submit">{t('common.refresh')}</button>
      </form>
      {alerts.loading && <p aria-busy="true">{t('common.loading')}</p>}
      {alerts.error !== undefined && <ErrorBox error={alerts.error} />}
      {alerts.value !== undefined && groups.length === 0 && <p class="empty">{t('alerts.empty')}</p>}
      {groups.map((group) => (
        <article class="group" key={`${group.receiver}${JSON.stringify(group.labels)}`}>
          <header>
            <span class="receiver">{group.receiver}</span>
            <Labels labels={group.labels} />
            <span class="count">{group.alerts.length === 1 ? t('alerts.countOne') : t('alerts.count', { count: group.alerts.length })}</span>
            {Object.keys(group.labels).length > 0 && (
              <a href={href(scope.tenantId, 'silences', 'new', { matchers: Object.entries(group.labels).map(([name, value]) => equalityMatcher(name, value)).join('\n') })}>
                {t('alerts.silenceGroup')}
              </a>
            )}
          </header>
          <ul class="alerts">
            {group.alerts.map((alert) => (
              <li key={alert.fingerprint} class="alert-row" data-fingerprint={alert.fingerprint}>
                <a href={href(scope.tenantId, 'alerts', alert.fingerprint)}>{alert.labels.alertname ?? alert.fingerprint}</a>
                <AlertState alert={alert} />
                <span class="since">
                  {t('alerts.since')} <Time at={alert.startsAt} />
                </span>
                <Labels labels={alert.labels} omit={['alertname', ...Object.keys(group.labels)]} />
                {(alert.annotations.summary ?? alert.annotations.message ?? alert.annotations.description) !== undefined && (
                  <p class="summary">{alert.annotations.summary ?? alert.annotations.message ?? alert.annotations.description}</p>
                )}
              </li>
            ))}
          </ul>
        </article>
      ))}
    </section>
  );
}
