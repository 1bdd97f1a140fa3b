import { useState } from 'preact/hooks';
import { basePath, call, type Scope } from '../api.js';
import { Badge, describedBy, Field, fieldError, FormProblems, Labels, LoadState, PairsTable, useLoad, useSubmit } from '../components.js';
import { useI18n } from '../i18n.js';
import { EMPTY_EVENT_RULE, eventRuleBodyOf, eventRuleFormOf, type EventRuleForm, SCOPE_LEVELS, type ScopeLevel } from '../event-rule-form.js';
import { PairRows } from '../pair-rows.js';
import type { Session } from '../session.js';
import type { DryRunReport, Page, RuleView } from '../types.js';
import { RuleDefinitionsEditor } from './rule-definitions.js';

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

/** Creates or replaces a rule; the API compiles the condition and names where it fails, and each field it refuses. */
function RuleEditor({ session, scope, editing, onSaved }: { session: Session; scope: Scope; editing: RuleView | undefined; onSaved: () => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState<EventRuleForm>(editing === undefined ? EMPTY_EVENT_RULE : eventRuleFormOf(editing));
  const submit = useSubmit();
  const error = submit.error;
  const set = (patch: Partial<EventRuleForm>) => setForm((previous) => ({ ...previous, ...patch }));
  const pairs = (field: 'labels' | 'annotations', label: string, help: string) => (
    <Field id={`rule-${field}`} label={label} help={help} error={error} field={field}>
      <PairRows id={`rule-${field}`} label={label} rows={form[field]} onChange={(rows) => set({ [field]: rows })} describedBy={describedBy(`rule-${field}`)} />
    </Field>
  );
  const text = (field: 'workspace' | 'namespace' | 'cluster' | 'resolveAfterSeconds', apiField: string, label: string, help?: string) => (
    <Field id={`rule-${field}`} label={label} help={help} error={error} field={apiField}>
      <input id={`rule-${field}`} value={form[field]} onInput={(e) => set({ [field]: e.currentTarget.value })} aria-describedby={describedBy(`rule-${field}`)} />
    </Field>
  );
  const save = (event: Event) => {
    event.preventDefault();
    void submit.run(async () => {
      if (form.name.trim() === '') throw fieldError('name', t('receivers.nameRequired'));
      const body = eventRuleBodyOf(form);
      await call(session, 'PUT', `${basePath(scope)}/rules/${encodeURIComponent(form.name.trim())}`, body);
      setForm(EMPTY_EVENT_RULE);
      onSaved();
    });
  };
  return (
    <form class="form" onSubmit={save} noValidate>
      <Field id="rule-name" label={t('rules.name')} error={error} field="name">
        <input id="rule-name" value={form.name} readOnly={editing !== undefined} onInput={(e) => set({ name: e.currentTarget.value })} aria-describedby={describedBy('rule-name')} />
      </Field>
      <Field id="rule-signal" label={t('rules.signal')}>
        <select id="rule-signal" value={form.signal} onChange={(e) => set({ signal: e.currentTarget.value as EventRuleForm['signal'] })}>
          <option value="event">event</option>
          <option value="audit">audit</option>
        </select>
      </Field>
      <Field id="rule-condition" label={t('rules.condition')} help={t('rules.conditionHelp')} error={error} field="condition">
        <textarea id="rule-condition" rows={3} spellcheck={false} value={form.condition} onInput={(e) => set({ condition: e.currentTarget.value })} aria-describedby={describedBy('rule-condition')} />
      </Field>
      <Field id="rule-kind" label={t('rules.kind')}>
        <select id="rule-kind" value={form.kind} onChange={(e) => set({ kind: e.currentTarget.value as EventRuleForm['kind'] })}>
          <option value="alert">alert</option>
          <option value="drop">drop</option>
        </select>
      </Field>
      <Field id="rule-severity" label={t('rules.severity')} error={error} field="severity">
        <select id="rule-severity" value={form.severity} onChange={(e) => set({ severity: e.currentTarget.value })}>
          {['critical', 'error', 'warning', 'info'].map((severity) => (
            <option key={severity} value={severity}>
              {severity}
            </option>
          ))}
        </select>
      </Field>
      <Field id="rule-level" label={t('rules.level')} help={t(`rules.level.${form.level}`)} error={error} field="scope.level">
        <select id="rule-level" value={form.level} onChange={(e) => set({ level: e.currentTarget.value as ScopeLevel })} aria-describedby={describedBy('rule-level')}>
          {SCOPE_LEVELS.map((level) => (
            <option key={level} value={level}>
              {t(`rules.levelName.${level}`)}
            </option>
          ))}
        </select>
      </Field>
      {form.level === 'workspace' && text('workspace', 'scope.workspace', t('rules.workspace'))}
      {form.level === 'namespace' && text('namespace', 'scope.namespace', t('rules.namespace'))}
      {text('cluster', 'scope.cluster', t('rules.clusterPin'), t('rules.clusterPinHelp'))}
      {text('resolveAfterSeconds', 'resolveAfterSeconds', t('rules.resolveAfter'), t('rules.resolveAfterHelp'))}
      {pairs('labels', t('rules.labels'), t('rules.labelsHelp'))}
      {pairs('annotations', t('rules.annotations'), t('rules.annotationsHelp'))}
      <label class="check">
        <input type="checkbox" checked={form.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} /> {t('receivers.enabled')}
      </label>
      <FormProblems error={error} shown={['name', 'condition', 'severity', 'scope.level', `scope.${form.level}`, 'scope.cluster', 'resolveAfterSeconds', 'labels', 'annotations']} />
      <button type="submit" disabled={submit.busy}>
        {t('rules.save')}
      </button>
    </form>
  );
}

/** The scope's event and audit rules, and a dry-run of a pasted event against them (the shipped defaults included for the operator). */
export function RulesPage({ session, scope }: { session: Session; scope: Scope }) {
  const { t } = useI18n();
  const rules = useLoad(() => call<Page<RuleView>>(session, 'GET', `${basePath(scope)}/rules`), [scope.accountId, scope.tenantId]);
  const [event, setEvent] = useState(JSON.stringify(SAMPLE_EVENT, null, 2));
  const [cluster, setCluster] = useState('');
  const [report, setReport] = useState<DryRunReport | undefined>(undefined);
  const submit = useSubmit();
  const error = submit.error;
  const [editing, setEditing] = useState<RuleView | undefined>(undefined);
  const [editorRound, setEditorRound] = useState(0);

  const dryRun = (submitted: Event) => {
    submitted.preventDefault();
    void submit.run(async () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(event);
      } catch (failure) {
        throw fieldError('event', `${t('rules.notJson')} (${(failure as Error).message})`);
      }
      setReport(await call<DryRunReport>(session, 'POST', `${basePath(scope)}/rules-dry-run`, { event: parsed, cluster }));
    });
  };

  return (
    <section>
      <h1>{t('rules.title')}</h1>
      <LoadState load={rules} isEmpty={(page) => page.items.length === 0} empty={t('rules.empty')} />
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
                  {rule.severity !== undefined && ` (${rule.severity})`}{' '}
                  <button
                    type="button"
                    onClick={() => {
                      setEditing(rule);
                      setEditorRound((r) => r + 1);
                    }}
                  >
                    {t('silences.edit')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{editing === undefined ? t('rules.new') : t('rules.edit', { name: editing.name })}</h2>
      <RuleEditor
        key={editorRound}
        session={session}
        scope={scope}
        editing={editing}
        onSaved={() => {
          setEditing(undefined);
          setEditorRound((r) => r + 1);
          rules.reload();
        }}
      />
      <h2>{t('definitions.title')}</h2>
      <RuleDefinitionsEditor session={session} scope={scope} />
      <h2>{t('rules.dryRun')}</h2>
      <form class="form" onSubmit={dryRun}>
        <Field id="event" label={t('rules.event')} help={t('rules.eventHelp')} error={error} field="event">
          <textarea id="event" name="event" rows={12} spellcheck={false} value={event} onInput={(e) => setEvent(e.currentTarget.value)} aria-describedby={describedBy('event')} />
        </Field>
        <Field id="cluster" label={t('rules.cluster')} help={t('rules.clusterHelp')} error={error} field="cluster">
          <input id="cluster" name="cluster" value={cluster} onInput={(e) => setCluster(e.currentTarget.value)} aria-describedby={describedBy('cluster')} />
        </Field>
        <FormProblems error={error} shown={['event', 'cluster']} />
        <button type="submit" disabled={submit.busy}>
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
