import { useState } from 'preact/hooks';
import { basePath, call, type Scope } from '../api.js';
import { describedBy, Field, FormProblems, LoadState, useLoad, useSubmit } from '../components.js';
import { useI18n } from '../i18n.js';
import { type PairRow, pairRowsOf, PairRows, pairsOf } from '../pair-rows.js';
import { listBodyOf, listRowsOf } from '../rule-definitions-form.js';
import type { Session } from '../session.js';
import type { RuleDefinitions } from '../types.js';

type Kind = 'lists' | 'macros' | 'aliases';
type DefinitionsForm = Record<Kind, PairRow[]>;
const KINDS: readonly Kind[] = ['lists', 'macros', 'aliases'];

function DefinitionsForm({ session, scope, loaded, onSaved }: { session: Session; scope: Scope; loaded: RuleDefinitions; onSaved: (saved: RuleDefinitions) => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState<DefinitionsForm>({ lists: listRowsOf(loaded.lists), macros: pairRowsOf(loaded.macros), aliases: pairRowsOf(loaded.aliases) });
  const submit = useSubmit();
  const error = submit.error;
  const save = (event: Event) => {
    event.preventDefault();
    void submit.run(async () => {
      const body = { lists: listBodyOf(form.lists, loaded.lists), macros: pairsOf(form.macros), aliases: pairsOf(form.aliases) };
      // Version 0: none written yet, so there is nothing to match.
      const ifMatch: Record<string, string> = loaded.version === 0 ? {} : { 'if-match': `"${loaded.version}"` };
      onSaved(await call<RuleDefinitions>(session, 'PUT', `${basePath(scope)}/rule-definitions`, body, ifMatch));
    });
  };
  return (
    <form class="form" onSubmit={save} noValidate>
      {KINDS.map((kind) => (
        <Field key={kind} id={`definitions-${kind}`} label={t(`definitions.${kind}`)} help={t(`definitions.${kind}Help`)} error={error} field={kind}>
          <PairRows id={`definitions-${kind}`} label={t(`definitions.${kind}`)} rows={form[kind]} onChange={(rows) => setForm({ ...form, [kind]: rows })} describedBy={describedBy(`definitions-${kind}`)} />
        </Field>
      ))}
      <FormProblems error={error} shown={KINDS} />
      <button type="submit" disabled={submit.busy}>
        {t('definitions.save')}
      </button>
    </form>
  );
}

/**
 * The scope's lists, macros and aliases, which every rule's condition of the
 * scope may use (a tenant's over the operator's). The API checks them for
 * cycles and undefined names and names the definition at fault.
 */
export function RuleDefinitionsEditor({ session, scope }: { session: Session; scope: Scope }) {
  const { t } = useI18n();
  const [saved, setSaved] = useState<RuleDefinitions | undefined>(undefined);
  const load = useLoad(() => call<RuleDefinitions>(session, 'GET', `${basePath(scope)}/rule-definitions`), [scope.accountId, scope.tenantId]);
  const current = saved ?? load.value;
  return (
    <>
      <p class="muted">{t('definitions.intro')}</p>
      <LoadState load={load} isEmpty={() => false} empty="" />
      {saved !== undefined && (
        <p role="status" class="notice">
          {t('common.savedVersion', { version: saved.version })}
        </p>
      )}
      {current !== undefined && <DefinitionsForm key={current.version} session={session} scope={scope} loaded={current} onSaved={setSaved} />}
    </>
  );
}
