import { useState } from 'preact/hooks';
import { basePath, call, type Scope } from '../api.js';
import { describedBy, EditorCard, ErrorBox, Field, fieldError, FormProblems, LoadState, RowActions, useLoad, useSubmit } from '../components.js';
import { useI18n } from '../i18n.js';
import { matcherText } from '../matcher-text.js';
import { inhibitRuleBodyOf, inhibitRuleFormOf, ruleGroupOf, type InhibitRuleForm } from '../mute-route-forms.js';
import type { Session } from '../session.js';
import type { InhibitRule, Page } from '../types.js';

const FIELDS = ['id', 'sourceMatchers', 'targetMatchers', 'equal'] as const;

/** Creates or replaces an inhibit rule; the API parses each matcher line and names the one it refuses. */
function InhibitRuleEditor({ session, scope, editing, onSaved }: { session: Session; scope: Scope; editing: InhibitRule | undefined; onSaved: () => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState<InhibitRuleForm>(() => inhibitRuleFormOf(editing));
  const submit = useSubmit();
  const error = submit.error;
  const save = (event: Event) => {
    event.preventDefault();
    void submit.run(async () => {
      const id = editing?.id ?? form.id.trim();
      if (id === '') throw fieldError('id', t('receivers.nameRequired'));
      await call(session, 'PUT', `${basePath(scope)}/inhibit-rules/${encodeURIComponent(id)}`, inhibitRuleBodyOf(form), editing === undefined ? {} : { 'if-match': `"${editing.version}"` });
      onSaved();
    });
  };
  const box = (field: 'source' | 'target', apiField: string) => (
    <Field id={`inhibit-${field}`} label={t(`inhibit.${field}`)} help={t(`inhibit.${field}Help`)} error={error} field={apiField}>
      <textarea id={`inhibit-${field}`} rows={3} spellcheck={false} value={form[field]} onInput={(e) => setForm({ ...form, [field]: e.currentTarget.value })} aria-describedby={describedBy(`inhibit-${field}`)} />
    </Field>
  );
  return (
    <form class="form" onSubmit={save} noValidate>
      {editing === undefined && (
        <Field id="inhibit-id" label={t('receivers.name')} error={error} field="id">
          <input id="inhibit-id" value={form.id} onInput={(e) => setForm({ ...form, id: e.currentTarget.value })} aria-describedby={describedBy('inhibit-id')} />
        </Field>
      )}
      {box('source', 'sourceMatchers')}
      {box('target', 'targetMatchers')}
      <Field id="inhibit-equal" label={t('inhibit.equal')} help={t('inhibit.equalHelp')} error={error} field="equal">
        <input id="inhibit-equal" value={form.equal} onInput={(e) => setForm({ ...form, equal: e.currentTarget.value })} aria-describedby={describedBy('inhibit-equal')} />
      </Field>
      <FormProblems error={error} shown={FIELDS} />
      <button type="submit" disabled={submit.busy}>
        {t('receivers.save')}
      </button>
    </form>
  );
}

/**
 * The scope's inhibit rules: a firing alert matching the source mutes the
 * alerts matching the target that share the `equal` labels, when their group
 * flushes. Those a rule group's severity levels wrote are shown, edited there.
 */
export function InhibitRulesPage({ session, scope }: { session: Session; scope: Scope }) {
  const { t } = useI18n();
  const rules = useLoad(() => call<Page<InhibitRule>>(session, 'GET', `${basePath(scope)}/inhibit-rules`), [scope.accountId, scope.tenantId]);
  const [editing, setEditing] = useState<InhibitRule | 'new' | undefined>(undefined);
  const removal = useSubmit();
  return (
    <section>
      <h1>{t('inhibit.title')}</h1>
      <p class="muted">{t('inhibit.intro')}</p>
      <LoadState load={rules} isEmpty={(page) => page.items.length === 0} empty={t('inhibit.empty')} />
      {removal.error !== undefined && <ErrorBox error={removal.error} />}
      <ul class="receivers">
        {(rules.value?.items ?? []).map((rule) => {
          const group = ruleGroupOf(rule);
          return (
            <li key={rule.id} class="receiver-row" data-inhibit-rule={rule.id}>
              <strong>{rule.id}</strong>
              <p>
                <code>{`{${rule.sourceMatchers.map(matcherText).join(', ')}}`}</code> {t('inhibit.mutes')} <code>{`{${rule.targetMatchers.map(matcherText).join(', ')}}`}</code>
                {rule.equal.length > 0 && ` ${t('inhibit.sharing', { labels: rule.equal.join(', ') })}`}
              </p>
              {group !== undefined ? (
                <p class="muted">{t('inhibit.fromRuleGroup', { group })}</p>
              ) : (
                <RowActions
                  onEdit={() => setEditing(rule)}
                  busy={removal.busy}
                  onDelete={() =>
                    void removal.run(async () => {
                      await call(session, 'DELETE', `${basePath(scope)}/inhibit-rules/${encodeURIComponent(rule.id)}`);
                      rules.reload();
                    })
                  }
                />
              )}
            </li>
          );
        })}
      </ul>
      <EditorCard
        editing={editing}
        newLabel={t('inhibit.new')}
        editTitle={(rule) => t('inhibit.edit', { id: rule.id })}
        onNew={() => setEditing('new')}
        form={(rule) => (
          <InhibitRuleEditor
            key={rule?.id ?? ''}
            session={session}
            scope={scope}
            editing={rule}
            onSaved={() => {
              setEditing(undefined);
              rules.reload();
            }}
          />
        )}
      />
    </section>
  );
}
