import { useState } from 'preact/hooks';
import { basePath, call, type Scope } from '../api.js';
import { Badge, describedBy, EditorCard, ErrorBox, Field, fieldError, FormProblems, Labels, LoadState, PairsTable, RowActions, useLoad, useSubmit } from '../components.js';
import { useI18n } from '../i18n.js';
import { parseSelector, selectorText } from '../name-selector.js';
import { type PairRow, pairRowsOf, PairRows, pairsOf } from '../pair-rows.js';
import type { Session } from '../session.js';
import type { Page, RuleGroup, RuleGroupDryRun } from '../types.js';
import { type BuilderForm, builderBodyOf, builderFormOf, type BuilderKind, builderKindOf, durationsBodyOf, durationsFormOf, type LevelForm, levelBodyOf, levelFormOf, newBuilder, SEVERITIES } from '../metric-rule-form.js';
import { BuilderFields, LevelRows } from './rule-fields.js';

type Level = RuleGroup['level'];
type Rule = RuleGroup['rules'][number];

/** The levels a scope writes: a tenant its namespaces' groups; the operator's global view, cluster and global groups. */
function levelsOf(scope: Scope): Level[] {
  return scope.tenantId === undefined ? ['cluster', 'global'] : ['namespace'];
}

function collectionOf(scope: Scope, level: Level): string {
  if (level === 'namespace') return `${basePath(scope)}/rule-groups`;
  return `${basePath({ accountId: scope.accountId })}/${level}-rule-groups`;
}

/** What the group applies to, in words. */
function targetOf(group: RuleGroup): string {
  if (group.level === 'namespace') return `${group.cluster ?? '*'}/${group.namespace}`;
  if (group.level === 'cluster') return group.cluster;
  return `${selectorText(group.clusterSelector) || '*'} / ${selectorText(group.namespaceSelector) || '*'}`;
}

interface RuleForm {
  /** The rule as loaded: what the form does not edit is kept from it. */
  loaded?: Rule;
  alert: string;
  /** The expression comes from the builder, not from `expr`. */
  useBuilder: boolean;
  expr: string;
  builder: BuilderForm | undefined;
  levels: LevelForm[];
  /** Comma-separated label names. */
  inhibitLabels: string;
  for: string;
  keepFiringFor: string;
  severity: string;
  labels: PairRow[];
  annotations: PairRow[];
  disable: boolean;
}

interface GroupForm {
  level: Level;
  name: string;
  namespace: string;
  cluster: string;
  clusters: string;
  namespaces: string;
  interval: string;
  enabled: boolean;
  rules: RuleForm[];
}

const newRule = (): RuleForm => ({ alert: '', useBuilder: false, expr: '', builder: undefined, levels: [], inhibitLabels: '', for: '', keepFiringFor: '', severity: 'warning', labels: [], annotations: [], disable: false });

function formOf(group: RuleGroup | undefined, level: Level): GroupForm {
  return {
    level: group?.level ?? level,
    name: group?.name ?? '',
    namespace: group?.level === 'namespace' ? group.namespace : '',
    cluster: group?.level === 'namespace' ? (group.cluster ?? '') : group?.level === 'cluster' ? group.cluster : '',
    clusters: group?.level === 'global' ? selectorText(group.clusterSelector) : '',
    namespaces: group?.level === 'global' ? selectorText(group.namespaceSelector) : '',
    interval: group?.interval ?? '',
    enabled: group?.enabled ?? true,
    rules: (group?.rules ?? [undefined]).map((rule: Rule | undefined) => rule === undefined ? newRule() : ({
      loaded: rule,
      alert: rule.alert,
      useBuilder: rule.exprBuilder !== undefined,
      expr: rule.expr ?? '',
      builder: rule.exprBuilder === undefined ? undefined : builderFormOf(rule.exprBuilder),
      levels: (rule.levels ?? []).map(levelFormOf),
      inhibitLabels: (rule.inhibitLabels ?? []).join(', '),
      ...durationsFormOf(rule),
      severity: rule.severity,
      labels: pairRowsOf(rule.labels),
      annotations: pairRowsOf(rule.annotations),
      disable: rule.disable,
    })),
  };
}

/** The body a PUT (or a dry run) takes, from the form. */
function bodyOf(form: GroupForm): Record<string, unknown> {
  const builderKind = builderKindOf(form.level);
  const rules = form.rules.map((rule) => {
    const { expr: _expr, exprBuilder: _builder, levels: _levels, inhibitLabels: _inhibit, for: _for, keep_firing_for: _keepFiring, ...kept } = rule.loaded ?? {};
    const inhibitLabels = rule.inhibitLabels.split(',').map((name) => name.trim()).filter((name) => name !== '');
    const builder = rule.useBuilder && builderKind !== undefined ? builderBodyOf(builderKind, rule.builder ?? newBuilder(builderKind)) : undefined;
    return {
      ...kept,
      alert: rule.alert.trim(),
      ...(builder !== undefined ? { exprBuilder: builder } : rule.expr.trim() === '' ? {} : { expr: rule.expr.trim() }),
      ...(rule.levels.length === 0 ? {} : { levels: rule.levels.map(levelBodyOf) }),
      ...(inhibitLabels.length === 0 ? {} : { inhibitLabels }),
      ...durationsBodyOf(rule),
      severity: rule.severity,
      labels: pairsOf(rule.labels),
      annotations: pairsOf(rule.annotations),
      disable: rule.disable,
    };
  });
  const common = { enabled: form.enabled, ...(form.interval.trim() === '' ? {} : { interval: form.interval.trim() }), rules };
  if (form.level === 'namespace') return { ...common, namespace: form.namespace.trim(), ...(form.cluster.trim() === '' ? {} : { cluster: form.cluster.trim() }) };
  if (form.level === 'cluster') return { ...common, cluster: form.cluster.trim() };
  const clusterSelector = parseSelector(form.clusters);
  const namespaceSelector = parseSelector(form.namespaces);
  return { ...common, ...(clusterSelector === undefined ? {} : { clusterSelector }), ...(namespaceSelector === undefined ? {} : { namespaceSelector }) };
}

/** What a dry run found: each rule as run (matchers injected) and the alerts it would raise now, or its query's error. */
function DryRunReport({ report }: { report: RuleGroupDryRun }) {
  const { t } = useI18n();
  return (
    <div class="dry-run-report" role="status">
      <p>{t('ruleGroups.evaluatedIn', { cluster: report.cluster })}</p>
      {report.rules.map((rule, index) => (
        <article key={index} class="dry-run-rule" data-alert={rule.alert}>
          <h3>
            {rule.alert} <Badge kind={rule.severity}>{rule.severity}</Badge>
          </h3>
          <pre class="expr">{rule.expr}</pre>
          {rule.error !== undefined && <p class="field-error">{rule.error}</p>}
          {rule.error === undefined && rule.alerts.length === 0 && <p class="empty">{t('ruleGroups.noAlerts')}</p>}
          <ul>
            {rule.alerts.map((alert, i) => (
              <li key={i} class="dry-run-alert">
                <Badge kind={alert.state === 'firing' ? 'active' : 'pending'}>{alert.state}</Badge> {t('ruleGroups.value', { value: alert.value === null ? '±Inf/NaN' : alert.value })}{' '}
                <Labels labels={alert.labels} />
                {Object.keys(alert.annotations).length > 0 && <PairsTable caption={t('alert.annotations')} pairs={alert.annotations} />}
              </li>
            ))}
          </ul>
        </article>
      ))}
    </div>
  );
}

/** Creates or edits a rule group at one level, and dry-runs what the form holds against a cluster's metrics. */
function RuleGroupEditor({ session, scope, editing, level, onSaved }: { session: Session; scope: Scope; editing: RuleGroup | undefined; level: Level; onSaved: () => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState<GroupForm>(() => formOf(editing, level));
  const [dryRunCluster, setDryRunCluster] = useState('');
  const [report, setReport] = useState<RuleGroupDryRun | undefined>(undefined);
  const submit = useSubmit();
  const dryRun = useSubmit();
  const set = (patch: Partial<GroupForm>) => setForm({ ...form, ...patch });
  const setRule = (index: number, patch: Partial<RuleForm>) => set({ rules: form.rules.map((rule, i) => (i === index ? { ...rule, ...patch } : rule)) });
  const collection = collectionOf(scope, form.level);
  const text = (field: keyof GroupForm, id: string) => ({
    id,
    name: field,
    value: form[field] as string,
    'aria-describedby': describedBy(id),
    onInput: (e: { currentTarget: HTMLInputElement }) => set({ [field]: e.currentTarget.value }),
  });

  const save = (event: Event) => {
    event.preventDefault();
    void submit.run(async () => {
      const name = editing?.name ?? form.name.trim();
      if (name === '') throw fieldError('name', t('ruleGroups.nameRequired'));
      const body = bodyOf(form);
      await call(session, 'PUT', `${collection}/${encodeURIComponent(name)}`, body, editing === undefined ? {} : { 'if-match': `"${editing.version}"` });
      onSaved();
    });
  };
  const runDry = () => {
    setReport(undefined);
    void dryRun.run(async () => {
      const cluster = dryRunCluster.trim();
      setReport(await call<RuleGroupDryRun>(session, 'POST', `${collection}-dry-run${cluster === '' ? '' : `?cluster=${encodeURIComponent(cluster)}`}`, bodyOf(form)));
    });
  };
  // The dry run's refusals are about the same body: shown by the same fields.
  const error = dryRun.error ?? submit.error;
  const shown = ['name', 'namespace', 'cluster', 'clusterSelector', 'namespaceSelector', 'interval', 'rules'];

  return (
    <form class="form rule-group-form" onSubmit={save} noValidate>
      {editing === undefined && (
        <>
          <Field id="group-name" label={t('receivers.name')} error={error} field="name">
            <input {...text('name', 'group-name')} />
          </Field>
          {levelsOf(scope).length > 1 && (
            <Field id="group-level" label={t('ruleGroups.level')}>
              <select id="group-level" value={form.level} onChange={(e) => set({ level: e.currentTarget.value as Level })}>
                {levelsOf(scope).map((l) => (
                  <option key={l} value={l}>
                    {t(`ruleGroups.level.${l}`)}
                  </option>
                ))}
              </select>
            </Field>
          )}
        </>
      )}
      {form.level === 'namespace' && (
        <Field id="group-namespace" label={t('ruleGroups.namespace')} error={error} field="namespace">
          <input {...text('namespace', 'group-namespace')} />
        </Field>
      )}
      {form.level !== 'global' && (
        <Field id="group-cluster" label={t('ruleGroups.cluster')} help={form.level === 'namespace' ? t('ruleGroups.clusterHelp') : undefined} error={error} field="cluster">
          <input {...text('cluster', 'group-cluster')} />
        </Field>
      )}
      {form.level === 'global' && (
        <>
          <Field id="group-clusters" label={t('ruleGroups.clusters')} help={t('ruleGroups.selectorHelp')} error={error} field="clusterSelector">
            <input {...text('clusters', 'group-clusters')} />
          </Field>
          <Field id="group-namespaces" label={t('ruleGroups.namespaces')} help={t('ruleGroups.selectorHelp')} error={error} field="namespaceSelector">
            <input {...text('namespaces', 'group-namespaces')} />
          </Field>
        </>
      )}
      <Field id="group-interval" label={t('ruleGroups.interval')} error={error} field="interval">
        <input {...text('interval', 'group-interval')} placeholder="1m" />
      </Field>
      <label class="check">
        <input type="checkbox" name="enabled" checked={form.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} /> {t('receivers.enabled')}
      </label>
      {form.rules.map((rule, index) => {
        const id = (field: string) => `rule-${index}-${field}`;
        const input = (field: 'alert' | 'for' | 'keepFiringFor', label: string, apiField: string = field, help?: string) => (
          <Field id={id(field)} label={label} help={help} error={error} field={`rules[${index}].${apiField}`}>
            <input id={id(field)} value={rule[field]} onInput={(e) => setRule(index, { [field]: e.currentTarget.value })} aria-describedby={describedBy(id(field))} />
          </Field>
        );
        const pairs = (field: 'labels' | 'annotations', label: string) => (
          <Field id={id(field)} label={label} error={error} field={`rules[${index}].${field}`}>
            <PairRows id={id(field)} label={label} rows={rule[field]} onChange={(rows) => setRule(index, { [field]: rows })} describedBy={describedBy(id(field))} />
          </Field>
        );
        const builderKind: BuilderKind | undefined = builderKindOf(form.level);
        return (
          <fieldset key={index} class="rule" data-rule={index}>
            <legend>{t('ruleGroups.rule', { n: index + 1 })}</legend>
            {input('alert', t('ruleGroups.alert'))}
            {builderKind !== undefined && (
              <label class="check">
                <input type="checkbox" checked={rule.useBuilder} onChange={(e) => setRule(index, { useBuilder: e.currentTarget.checked, builder: rule.builder ?? newBuilder(builderKind) })} /> {t('ruleGroups.useBuilder')}
              </label>
            )}
            {rule.useBuilder && builderKind !== undefined ? (
              <BuilderFields id={id('builder')} kind={builderKind} form={rule.builder ?? newBuilder(builderKind)} onChange={(builder) => setRule(index, { builder })} error={error} field={`rules[${index}].exprBuilder`} />
            ) : (
              <Field id={id('expr')} label={t('ruleGroups.expr')} error={error} field={`rules[${index}].expr`}>
                <textarea id={id('expr')} rows={2} spellcheck={false} value={rule.expr} onInput={(e) => setRule(index, { expr: e.currentTarget.value })} aria-describedby={describedBy(id('expr'))} />
              </Field>
            )}
            {input('for', t('ruleGroups.for'))}
            {input('keepFiringFor', t('ruleGroups.keepFiringFor'), 'keep_firing_for', t('ruleGroups.keepFiringForHelp'))}
            {rule.levels.length === 0 && (
              <Field id={id('severity')} label={t('ruleGroups.severity')} error={error} field={`rules[${index}].severity`}>
                <select id={id('severity')} value={rule.severity} onChange={(e) => setRule(index, { severity: e.currentTarget.value })}>
                  {SEVERITIES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              </Field>
            )}
            <LevelRows id={id('levels')} levels={rule.levels} onChange={(levels) => setRule(index, { levels })} error={error} field={`rules[${index}].levels`} />
            {rule.levels.length > 0 && (
              <Field id={id('inhibitLabels')} label={t('ruleGroups.inhibitLabels')} help={t('ruleGroups.inhibitLabelsHelp')} error={error} field={`rules[${index}].inhibitLabels`}>
                <input id={id('inhibitLabels')} value={rule.inhibitLabels} onInput={(e) => setRule(index, { inhibitLabels: e.currentTarget.value })} aria-describedby={describedBy(id('inhibitLabels'))} />
              </Field>
            )}
            {pairs('labels', t('ruleGroups.labels'))}
            {pairs('annotations', t('ruleGroups.annotations'))}
            <label class="check">
              <input type="checkbox" checked={rule.disable} onChange={(e) => setRule(index, { disable: e.currentTarget.checked })} /> {t('ruleGroups.disable')}
            </label>
            <button type="button" onClick={() => set({ rules: form.rules.filter((_, i) => i !== index) })}>
              {t('ruleGroups.removeRule')}
            </button>
          </fieldset>
        );
      })}
      <p>
        <button type="button" onClick={() => set({ rules: [...form.rules, newRule()] })}>
          {t('ruleGroups.addRule')}
        </button>
      </p>
      <FormProblems error={error} shown={shown} />
      <button type="submit" disabled={submit.busy}>
        {t('receivers.save')}
      </button>
      <fieldset class="dry-run">
        <legend>{t('ruleGroups.dryRun')}</legend>
        <Field id="dry-run-cluster" label={t('ruleGroups.dryRunCluster')} help={t('ruleGroups.dryRunHelp')}>
          <input id="dry-run-cluster" value={dryRunCluster} onInput={(e) => setDryRunCluster(e.currentTarget.value)} aria-describedby={describedBy('dry-run-cluster')} />
        </Field>
        <button type="button" disabled={dryRun.busy} onClick={runDry}>
          {t('ruleGroups.dryRunButton')}
        </button>
        {report !== undefined && <DryRunReport report={report} />}
      </fieldset>
    </form>
  );
}

/** One level's groups, listed with their rules; edit or delete each. */
function LevelGroups({ session, scope, level, onEdit, round }: { session: Session; scope: Scope; level: Level; onEdit: (group: RuleGroup) => void; round: number }) {
  const { t } = useI18n();
  const groups = useLoad(() => call<Page<RuleGroup>>(session, 'GET', collectionOf(scope, level)), [scope.accountId, scope.tenantId, level, round]);
  const removal = useSubmit();
  return (
    <>
      <h2>{t(`ruleGroups.level.${level}`)}</h2>
      <LoadState load={groups} isEmpty={(page) => page.items.length === 0} empty={t('ruleGroups.empty')} />
      {removal.error !== undefined && <ErrorBox error={removal.error} />}
      <ul class="receivers">
        {(groups.value?.items ?? []).map((group) => (
          <li key={group.name} class="receiver-row" data-rule-group={group.name}>
            <strong>{group.name}</strong> <span class="muted">{targetOf(group)}</span> {group.enabled ? null : <Badge kind="expired">{t('receivers.disabled')}</Badge>}
            <p class="muted">{group.rules.map((rule) => rule.alert).join(', ')}</p>
            <RowActions
              onEdit={() => onEdit(group)}
              busy={removal.busy}
              onDelete={() =>
                void removal.run(async () => {
                  await call(session, 'DELETE', `${collectionOf(scope, level)}/${encodeURIComponent(group.name)}`);
                  groups.reload();
                })
              }
            />
          </li>
        ))}
      </ul>
    </>
  );
}

/** Metric rule groups (PromQL) at the levels the key may write, with a dry run of the form against a cluster's metrics. */
export function RuleGroupsPage({ session, scope }: { session: Session; scope: Scope }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<RuleGroup | 'new' | undefined>(undefined);
  const [round, setRound] = useState(0);
  const levels = levelsOf(scope);
  return (
    <section>
      <h1>{t('ruleGroups.title')}</h1>
      <p class="muted">{scope.tenantId === undefined ? t('ruleGroups.introOperator') : t('ruleGroups.introTenant')}</p>
      {levels.map((level) => (
        <LevelGroups key={level} session={session} scope={scope} level={level} onEdit={setEditing} round={round} />
      ))}
      <EditorCard
        editing={editing}
        newLabel={t('ruleGroups.new')}
        editTitle={(group) => t('ruleGroups.edit', { name: group.name })}
        onNew={() => setEditing('new')}
        form={(group) => (
          <RuleGroupEditor
            key={group === undefined ? '' : `${group.level}/${group.name}`}
            session={session}
            scope={scope}
            editing={group}
            level={levels[0]!}
            onSaved={() => {
              setEditing(undefined);
              setRound((r) => r + 1);
            }}
          />
        )}
      />
    </section>
  );
}
