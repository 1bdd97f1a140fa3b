import { alertmanagerPath, basePath, call, type Scope } from '../api.js';
import { Badge, ErrorBox, PairsTable, Time, useLoad } from '../components.js';
import { useI18n } from '../i18n.js';
import { href } from '../router.js';
import type { Session } from '../session.js';
import type { AmAlert, Page, PathEntry } from '../types.js';
import { AlertState } from './alerts.js';

function TrailStep({ entry, scope }: { entry: PathEntry; scope: Scope }) {
  const { t } = useI18n();
  switch (entry.stage) {
    case 'received':
      return <span>{t('trail.received', { cluster: entry.cluster, source: entry.source })}</span>;
    case 'routed':
      return (
        <div>
          <span>{t('trail.routed')}</span>
          {entry.rule !== undefined && <span> · {t('trail.rule', { rule: entry.rule })}</span>}
          {entry.tenants.length > 0 && <span> · {t('trail.tenants', { list: entry.tenants.map((x) => x.tenantId).join(', ') })}</span>}
          {entry.routers.length > 0 && <span> · {t('trail.routers', { list: entry.routers.join(', ') })}</span>}
          <ul class="decisions">
            {entry.receivers.map((decision) => (
              <li key={decision.receiver}>
                <span class="receiver">{decision.receiver}</span> <Badge kind={decision.outcome}>{t(`outcome.${decision.outcome}`)}</Badge>
                {decision.via !== undefined && decision.via.length > 0 && <span class="muted"> {decision.via.join(', ')}</span>}
                {decision.detail !== undefined && <span class="muted"> {decision.detail}</span>}
              </li>
            ))}
          </ul>
        </div>
      );
    case 'silenced':
    case 'inhibited':
      return (
        <span>
          <Badge kind={entry.stage}>{t(`state.${entry.stage}`)}</Badge> {t(entry.stage === 'silenced' ? 'trail.silenced' : 'trail.inhibited', { receiver: entry.receiver, detail: entry.detail })}
        </span>
      );
    case 'notified':
      return (
        <span>
          {t('trail.notified', { receiver: entry.receiver, channel: entry.channel, status: entry.status })}
          {entry.reason !== undefined && <span class="muted"> ({entry.reason})</span>}{' '}
          <a href={href(scope.tenantId, 'history', undefined, { receiver: entry.receiver.split('/').pop() })}>{t('trail.history')}</a>
        </span>
      );
  }
}

/** One alert: its state now, labels and annotations, and its trail through tidings. */
export function AlertPage({ session, scope, fingerprint }: { session: Session; scope: Scope; fingerprint: string }) {
  const { t } = useI18n();
  const alert = useLoad(
    async () => (await call<AmAlert[]>(session, 'GET', alertmanagerPath(scope, 'alerts'))).find((a) => a.fingerprint === fingerprint),
    [scope.accountId, scope.tenantId, fingerprint],
  );
  const trail = useLoad(
    () => call<Page<PathEntry>>(session, 'GET', `${basePath(scope)}/alerts/${encodeURIComponent(fingerprint)}/history?limit=100`),
    [scope.accountId, scope.tenantId, fingerprint],
  );
  const current = alert.value;
  const alertname = current?.labels.alertname ?? trail.value?.items.find((e) => e.stage === 'routed')?.alertname ?? fingerprint;
  // Oldest first: a trail reads from the alert's arrival to its notifications.
  const steps = trail.value === undefined ? [] : [...trail.value.items].reverse();

  return (
    <section>
      <h1>{t('alert.title', { name: alertname })}</h1>
      <p class="muted">{fingerprint}</p>
      {alert.error !== undefined && <ErrorBox error={alert.error} />}
      {alert.loading && alert.value === undefined && <p aria-busy="true">{t('common.loading')}</p>}
      {!alert.loading && alert.error === undefined && current === undefined && <p class="notice">{t('alert.notFiring')}</p>}
      {current !== undefined && (
        <>
          <p class="state">
            {t('alert.state')}: <AlertState alert={current} />{' '}
            {current.status.silencedBy.length > 0 && (
              <span>
                {t('alert.silencedBy', { ids: '' })}
                {current.status.silencedBy.map((id) => (
                  <a key={id} href={href(scope.tenantId, 'silences', undefined, { highlight: id })}>
                    {id}{' '}
                  </a>
                ))}
              </span>
            )}
            {current.status.inhibitedBy.length > 0 && (
              <span>
                {t('alert.inhibitedBy', { ids: '' })}
                {current.status.inhibitedBy.map((fp) => (
                  <a key={fp} href={href(scope.tenantId, 'alerts', fp)}>
                    {fp}{' '}
                  </a>
                ))}
              </span>
            )}
            {' · '}
            {t('alerts.since')} <Time at={current.startsAt} />
          </p>
          <p>
            <a class="button" href={href(scope.tenantId, 'silences', 'new', { fingerprint })}>
              {t('alert.silence')}
            </a>{' '}
            <a href={href(scope.tenantId, 'explain', undefined, { fingerprint })}>{t('alert.explain')}</a>
          </p>
          <PairsTable caption={t('alert.labels')} pairs={current.labels} />
          <PairsTable caption={t('alert.annotations')} pairs={current.annotations} />
        </>
      )}
      <h2>{t('alert.trail')}</h2>
      {trail.error !== undefined && <ErrorBox error={trail.error} />}
      {trail.value !== undefined && steps.length === 0 && <p class="empty">{t('alert.trailEmpty')}</p>}
      <ol class="trail">
        {steps.map((entry, index) => (
          <li key={index} class={`step step-${entry.stage}`} data-stage={entry.stage}>
            <Time at={entry.at} /> <TrailStep entry={entry} scope={scope} />
          </li>
        ))}
      </ol>
      <p>
        <a href={href(scope.tenantId, 'history', undefined, { alertname: current?.labels.alertname ?? alertname })}>{t('alert.notifications', { name: alertname })}</a>
      </p>
    </section>
  );
}
