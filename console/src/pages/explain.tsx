import { useEffect, useState } from 'preact/hooks';
import { alertmanagerPath, basePath, call, type Scope } from '../api.js';
import { Badge, describedBy, Field, fieldError, FormProblems, useLoad, useSubmit } from '../components.js';
import { equalityMatcher } from '../grouping.js';
import { parseLabels } from '../labels-text.js';
import { useI18n } from '../i18n.js';
import type { Session } from '../session.js';
import type { AmAlert, Explanation } from '../types.js';

/** Which receivers an alert with these labels would reach, and why every other one would not. */
export function ExplainPage({ session, scope, params }: { session: Session; scope: Scope; params: URLSearchParams }) {
  const { t } = useI18n();
  const fromAlert = params.get('fingerprint') ?? undefined;
  const [text, setText] = useState('');
  const [result, setResult] = useState<Explanation | undefined>(undefined);
  const submit = useSubmit();
  const { error, busy } = submit;
  const source = useLoad(
    async () => (fromAlert === undefined ? undefined : (await call<AmAlert[]>(session, 'GET', alertmanagerPath(scope, 'alerts'))).find((a) => a.fingerprint === fromAlert)),
    [scope.accountId, scope.tenantId, fromAlert],
  );
  useEffect(() => {
    const labels = source.value?.labels;
    if (labels !== undefined) setText(Object.keys(labels).sort().map((name) => equalityMatcher(name, labels[name]!)).join('\n'));
  }, [source.value]);

  const explain = (event: Event) => {
    event.preventDefault();
    void submit.run(async () => {
      const parsed = parseLabels(text);
      if ('badLine' in parsed) throw fieldError('labels', t('explain.badLine', { line: parsed.badLine }));
      setResult(await call<Explanation>(session, 'POST', `${basePath(scope)}/explain`, { labels: parsed.labels }));
    });
  };

  return (
    <section>
      <h1>{t('explain.title')}</h1>
      <form class="form" onSubmit={explain}>
        <Field id="labels" label={t('explain.labels')} help={t('explain.labelsHelp')} error={error} field="labels">
          <textarea id="labels" name="labels" rows={6} spellcheck={false} value={text} onInput={(e) => setText(e.currentTarget.value)} aria-describedby={describedBy('labels')} />
        </Field>
        <FormProblems error={error} shown={['labels']} />
        <button type="submit" disabled={busy}>
          {t('explain.submit')}
        </button>
      </form>
      {result !== undefined && (
        <div class="explanation">
          {'visibleToTenant' in result && <p>{result.visibleToTenant ? t('explain.visible') : t('explain.notVisible')}</p>}
          {'tenants' in result && <p>{t('trail.tenants', { list: result.tenants.map((x) => `${x.tenantId} (${x.via})`).join(', ') || '–' })}</p>}
          {'routers' in result && result.routers.length > 0 && <p>{t('trail.routers', { list: result.routers.join(', ') })}</p>}
          {result.receivers.length === 0 && <p class="empty">{t('explain.noReceivers')}</p>}
          <table class="decisions-table">
            <thead>
              <tr>
                <th scope="col">{t('history.receiver')}</th>
                <th scope="col">{t('history.channel')}</th>
                <th scope="col">{t('explain.outcome')}</th>
                <th scope="col">{t('explain.why')}</th>
              </tr>
            </thead>
            <tbody>
              {result.receivers.map((decision) => (
                <tr key={decision.receiver} data-receiver={decision.receiver} data-outcome={decision.outcome}>
                  <td>{decision.receiver}</td>
                  <td>{decision.channel ?? ''}</td>
                  <td>
                    <Badge kind={decision.outcome}>{t(`outcome.${decision.outcome}`)}</Badge>
                  </td>
                  <td>{[...(decision.via ?? []), ...(decision.detail === undefined ? [] : [decision.detail])].join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
