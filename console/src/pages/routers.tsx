import { useState } from 'preact/hooks';
import { ApiError, basePath, call, type Scope } from '../api.js';
import { Badge, describedBy, EditorCard, ErrorBox, Field, fieldError, FieldErrors, FormProblems, Labels, LoadState, RowActions, useLoad, useSubmit } from '../components.js';
import { useI18n } from '../i18n.js';
import { matcherText } from '../matcher-text.js';
import { ExpressionRows } from '../expression-rows.js';
import { routerBodyOf, routerFormOf, type RouterForm } from '../mute-route-forms.js';
import { PairRows } from '../pair-rows.js';
import type { Session } from '../session.js';
import type { Page, RouterView } from '../types.js';

type TextField = 'name' | 'matchers' | 'receivers' | 'receiverPattern' | 'channels' | 'tenants';
const TARGETS = ['receivers', 'receiverPattern', 'channels', 'tenants'] as const;
const SELECTOR_PARTS = ['matchers', 'matchLabels', 'matchExpressions'] as const;

/** Creates or replaces a router; the API's messages are shown by the selector and by each target field. */
function RouterEditor({ session, scope, editing, onSaved }: { session: Session; scope: Scope; editing: RouterView | undefined; onSaved: () => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState<RouterForm>(() => routerFormOf(editing));
  const submit = useSubmit();
  const error = submit.error;
  const collection = `${basePath({ accountId: scope.accountId })}/routers`;
  const save = (event: Event) => {
    event.preventDefault();
    void submit.run(async () => {
      const name = editing?.name ?? form.name.trim();
      if (name === '') throw fieldError('name', t('receivers.nameRequired'));
      await call(session, 'PUT', `${collection}/${encodeURIComponent(name)}`, routerBodyOf(form), editing === undefined ? {} : { 'if-match': `"${editing.version}"` });
      onSaved();
    });
  };
  const text = (field: TextField, apiField: string, help?: string) => (
    <Field id={`router-${field}`} label={t(`routers.${field}`)} help={help} error={error} field={apiField}>
      {field === 'matchers' ? (
        <textarea id="router-matchers" rows={3} spellcheck={false} value={form.matchers} onInput={(e) => setForm({ ...form, matchers: e.currentTarget.value })} aria-describedby={describedBy('router-matchers')} />
      ) : (
        <input id={`router-${field}`} value={form[field]} onInput={(e) => setForm({ ...form, [field]: e.currentTarget.value })} aria-describedby={describedBy(`router-${field}`)} />
      )}
    </Field>
  );
  // "Name at least one" is about the target as a whole: shown once above its fields, not under each.
  const targetIssues = error instanceof ApiError ? error.issues.filter((issue) => issue.field === 'target') : [];
  return (
    <form class="form" onSubmit={save} noValidate>
      {editing === undefined && text('name', 'name')}
      <label class="check">
        <input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.currentTarget.checked })} /> {t('receivers.enabled')}
      </label>
      <fieldset>
        <legend>{t('routers.selector')}</legend>
        <small>{t('routers.selectorHelp')}</small>
        {text('matchers', 'selector.matchers', t('selector.matchersHelp'))}
        <Field id="router-matchLabels" label={t('selector.matchLabels')} error={error} field="selector.matchLabels">
          <PairRows id="router-matchLabels" label={t('selector.matchLabels')} rows={form.matchLabels} onChange={(rows) => setForm({ ...form, matchLabels: rows })} describedBy={describedBy('router-matchLabels')} />
        </Field>
        <ExpressionRows id="router-matchExpressions" field="selector.matchExpressions" rows={form.matchExpressions} onChange={(rows) => setForm({ ...form, matchExpressions: rows })} error={error} />
      </fieldset>
      <fieldset id="router-target" aria-describedby="router-target-error">
        <legend>{t('routers.target')}</legend>
        <small>{t('routers.targetHelp')}</small>
        {targetIssues.length > 0 && (
          <p class="field-error" role="alert" id="router-target-error">
            {targetIssues.map((issue) => issue.message).join('; ')}
          </p>
        )}
        {text('receivers', 'target.receivers', t('routers.receiversHelp'))}
        {text('receiverPattern', 'target.receiverPattern', t('routers.receiverPatternHelp'))}
        {text('channels', 'target.channels', t('routers.channelsHelp'))}
        {text('tenants', 'target.tenants', t('routers.tenantsHelp'))}
      </fieldset>
      <FormProblems error={error} shown={['name', 'enabled', ...SELECTOR_PARTS.map((part) => `selector.${part}`), 'target', ...TARGETS.map((field) => `target.${field}`)]} />
      <button type="submit" disabled={submit.busy}>
        {t('receivers.save')}
      </button>
    </form>
  );
}

/** Where a router sends, in words. */
function targetText(router: RouterView): string {
  const { receivers, receiverPattern, channels, tenants } = router.target;
  return [
    ...(receivers ?? []),
    ...(receiverPattern === undefined ? [] : [`~${receiverPattern}`]),
    ...(channels ?? []).map((channel) => `${channel}:*`),
    ...(tenants ?? []).map((tenant) => `${tenant}/*`),
  ].join(', ');
}

/** The account's routers (the operator's): alerts a selector picks, sent to chosen receivers as the route policy says. */
export function RoutersPage({ session, scope }: { session: Session; scope: Scope }) {
  const { t } = useI18n();
  const collection = `${basePath({ accountId: scope.accountId })}/routers`;
  const routers = useLoad(() => call<Page<RouterView>>(session, 'GET', collection), [scope.accountId]);
  const [editing, setEditing] = useState<RouterView | 'new' | undefined>(undefined);
  const removal = useSubmit();
  return (
    <section>
      <h1>{t('routers.title')}</h1>
      <p class="muted">{t('routers.intro')}</p>
      <LoadState load={routers} isEmpty={(page) => page.items.length === 0} empty={t('routers.empty')} />
      {removal.error !== undefined && <ErrorBox error={removal.error} />}
      <ul class="receivers">
        {(routers.value?.items ?? []).map((router) => (
          <li key={router.name} class="receiver-row" data-router={router.name}>
            <strong>{router.name}</strong> {router.enabled ? null : <Badge kind="expired">{t('receivers.disabled')}</Badge>}
            <div>
              <code>{`{${(router.selector.matchers ?? []).map((m) => (typeof m === 'string' ? m : matcherText(m))).join(', ')}}`}</code>
              {router.selector.matchLabels !== undefined && <Labels labels={router.selector.matchLabels} />} → {targetText(router)}
            </div>
            <RowActions
              onEdit={() => setEditing(router)}
              busy={removal.busy}
              onDelete={() =>
                void removal.run(async () => {
                  await call(session, 'DELETE', `${collection}/${encodeURIComponent(router.name)}`);
                  routers.reload();
                })
              }
            />
          </li>
        ))}
      </ul>
      <EditorCard
        editing={editing}
        newLabel={t('routers.new')}
        editTitle={(router) => t('routers.edit', { name: router.name })}
        onNew={() => setEditing('new')}
        form={(router) => (
          <RouterEditor
            key={router?.name ?? ''}
            session={session}
            scope={scope}
            editing={router}
            onSaved={() => {
              setEditing(undefined);
              routers.reload();
            }}
          />
        )}
      />
    </section>
  );
}
