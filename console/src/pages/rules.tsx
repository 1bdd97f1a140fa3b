import { useState } from 'preact/hooks';
import { ApiError, basePath, call, type Scope } from '../api.js';
import { Badge, describedBy, ErrorBox, Field, Labels, PairsTable, useLoad } from '../components.js';
import { useI18n } from '../i18n.js';
import type { Session } from '../session.js';
import type { DryRunReport, Page, RuleView } from '../types.js';

/** A Kubernetes Warning event as kubernetes-event-exporter forwards it: a starting point for a dry-run. */
const SAMPLE_EVENT = {
  apiVersion: 'v1',
  kind: 'Event',
  type: 'Warning',
  reason: 'BackOff',
  message: 'Back-off restarting failed container app in pod web-1_shop(0f3c)',
  involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
  count: 5,
};

/** The scope's event and audit rules, and a dry-run of a pasted event against them (the shipped defaults included for the operator). */
export function RulesPage({ session, scope }: { session: Session; scope: Scope }) {
  const { t } = useI18n();
  const rules = useLoad(() => call<Page<RuleView>>(session, 'GET', `${basePath(scope)}/rules`), [scope.accountId, scope.tenantId]);
  const [event, setEvent] = useState(JSON.stringify(SAMPLE_EVENT, null, 2));
  const [cluster, setCluster] = useState('');
  const [report, setReport] = useState<DryRunReport | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const dryRun = async (submitted: Event) => {
    submitted.preventDefault();
    setError(undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(event);
    } catch (failure) {
      setError(new ApiError(400, t('rules.notJson'), [{ field: 'event', message: (failure as Error).message }]));
      return;
    }
    setBusy(true);
    try {
      setReport(await call<DryRunReport>(session, 'POST', `${basePath(scope)}/rules-dry-run`, { event: parsed, cluster }));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>{t('rules.title')}</h1>
      {rules.error !== undefined && <ErrorBox error={rules.error} />}
      {rules.value !== undefined && rules.value.items.length === 0 && <p class="empty">{t('rules.empty')}</p>}
      {rules.value !== undefined && rules.value.items.length > 0 && (
        <table class="decisions-table">
          <thead>
            <tr>
              <th scope="col">{t('rules.name')}</th>
              <th scope="col">{t('rules.signal')}</th>
              <th scope="col">{t('rules.condition')}</th>
              <th scope="col">{t('rules.kind')}</th>
            </tr>
          </thead>
          <tbody>
            {rules.value.items.map((rule) => (
              <tr key={rule.name} data-rule={rule.name}>
                <td>
                  {rule.name} {rule.enabled ? null : <Badge kind="expired">{t('receivers.disabled')}</Badge>}
                </td>
                <td>{rule.signal}</td>
                <td>
                  <code>{rule.condition}</code>
                </td>
                <td>
                  {rule.kind}
                  {rule.severity !== undefined && ` (${rule.severity})`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t('rules.dryRun')}</h2>
      <form class="form" onSubmit={(submitted) => void dryRun(submitted)}>
        <Field id="event" label={t('rules.event')} help={t('rules.eventHelp')} error={error} field="event">
          <textarea id="event" name="event" rows={12} spellcheck={false} value={event} onInput={(e) => setEvent(e.currentTarget.value)} aria-describedby={describedBy('event')} />
        </Field>
        <Field id="cluster" label={t('rules.cluster')} help={t('rules.clusterHelp')} error={error} field="cluster">
          <input id="cluster" name="cluster" value={cluster} onInput={(e) => setCluster(e.currentTarget.value)} aria-describedby={describedBy('cluster')} />
        </Field>
        {error !== undefined && !(error instanceof ApiError && (error.about('event').length > 0 || error.about('cluster').length > 0)) && <ErrorBox error={error} />}
        <button type="submit" disabled={busy}>
          {t('rules.run')}
        </button>
      </form>
      {report !== undefined && (
        <div class="dry-run">
          {report.dropped && <p class="notice">{t('rules.dropped')}</p>}
          {report.matches.length === 0 && <p class="empty">{t('rules.noMatch')}</p>}
          <ul class="history">
            {report.matches.map((match) => (
              <li key={match.rule} class="notification" data-rule={match.rule} data-outcome={match.outcome}>
                <strong>{match.rule}</strong> <Badge kind={match.outcome === 'alert' ? 'active' : 'expired'}>{match.outcome}</Badge>
                {match.alert !== undefined && (
                  <>
                    <Labels labels={match.alert.labels} />
                    <PairsTable caption={t('alert.annotations')} pairs={match.alert.annotations} />
                  </>
                )}
              </li>
            ))}
          </ul>
          {report.outOfScope.length > 0 && <p class="muted">{t('rules.outOfScope', { list: report.outOfScope.join(', ') })}</p>}
          {report.rejectedRules.map((rejected) => (
            <p class="field-error" key={rejected.name}>{`${rejected.name}: ${rejected.error}`}</p>
          ))}
        </div>
      )}
    </section>
  );
}
