import { useState } from 'preact/hooks';
import { basePath, call, type Scope } from '../api.js';
import { describedBy, EditorCard, ErrorBox, Field, fieldError, FormProblems, LoadState, RowActions, useLoad, useSubmit } from '../components.js';
import { useI18n } from '../i18n.js';
import type { Session } from '../session.js';
import type { LanguagePack, Page, TemplateSet } from '../types.js';

/** The forms a template set may give, as receivers render them (README, Templates). */
const KINDS = ['title', 'text', 'markdown', 'html'] as const;
type Kind = (typeof KINDS)[number];

/** A template set's templates, for the form: each kind's source, empty when the set leaves it to the default. */
function sourcesOf(set: TemplateSet | undefined): Record<Kind, string> {
  return { title: set?.templates.title ?? '', text: set?.templates.text ?? '', markdown: set?.templates.markdown ?? '', html: set?.templates.html ?? '' };
}

/** Creates or replaces a template set; each template is compiled by the API, its error shown under it. */
function TemplateSetForm({ session, scope, editing, onSaved }: { session: Session; scope: Scope; editing: TemplateSet | undefined; onSaved: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState(editing?.name ?? '');
  const [sources, setSources] = useState(sourcesOf(editing));
  const submit = useSubmit();
  const save = (event: Event) => {
    event.preventDefault();
    void submit.run(async () => {
      const target = editing?.name ?? name.trim();
      if (target === '') throw fieldError('name', t('templates.nameRequired'));
      const templates = Object.fromEntries(KINDS.filter((kind) => sources[kind].trim() !== '').map((kind) => [kind, sources[kind]]));
      await call(session, 'PUT', `${basePath(scope)}/template-sets/${encodeURIComponent(target)}`, { templates }, editing === undefined ? {} : { 'if-match': `"${editing.version}"` });
      onSaved();
    });
  };
  return (
    <form class="form" onSubmit={save} noValidate>
      {editing === undefined && (
        <Field id="set-name" label={t('receivers.name')} error={submit.error} field="name">
          <input id="set-name" name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} aria-describedby={describedBy('set-name')} />
        </Field>
      )}
      {KINDS.map((kind) => (
        <Field key={kind} id={`template-${kind}`} label={t('templates.kind', { kind })} error={submit.error} field={`templates.${kind}`}>
          <textarea
            id={`template-${kind}`}
            name={kind}
            rows={kind === 'title' ? 2 : 6}
            spellcheck={false}
            value={sources[kind]}
            onInput={(e) => setSources({ ...sources, [kind]: e.currentTarget.value })}
            aria-describedby={describedBy(`template-${kind}`)}
          />
        </Field>
      ))}
      <p class="muted">{t('templates.help')}</p>
      <FormProblems error={submit.error} shown={['name', ...KINDS.map((kind) => `templates.${kind}`)]} />
      <button type="submit" disabled={submit.busy}>
        {t('receivers.save')}
      </button>
    </form>
  );
}

/** A language pack as the form writes it: one `key = text` per line. */
const dictionaryText = (pack: LanguagePack | undefined) =>
  Object.entries(pack?.dictionary ?? {})
    .map(([key, text]) => `${key} = ${text}`)
    .join('\n');

function parseDictionary(text: string): Record<string, string> | { badLine: string } {
  const dictionary: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const equals = line.indexOf('=');
    if (equals <= 0) return { badLine: line.trim() };
    dictionary[line.slice(0, equals).trim()] = line.slice(equals + 1).trim();
  }
  return dictionary;
}

/** Uploads (creates or replaces) a language pack: a dictionary for the templates' `t` helper. */
function LanguagePackForm({ session, scope, editing, onSaved }: { session: Session; scope: Scope; editing: LanguagePack | undefined; onSaved: () => void }) {
  const { t } = useI18n();
  const [code, setCode] = useState(editing?.code ?? '');
  const [dictionary, setDictionary] = useState(dictionaryText(editing));
  const submit = useSubmit();
  const save = (event: Event) => {
    event.preventDefault();
    void submit.run(async () => {
      const target = editing?.code ?? code.trim();
      if (target === '') throw fieldError('code', t('templates.codeRequired'));
      const parsed = parseDictionary(dictionary);
      if ('badLine' in parsed) throw fieldError('dictionary', t('templates.badEntry', { line: parsed.badLine }));
      await call(session, 'PUT', `${basePath(scope)}/language-packs/${encodeURIComponent(target)}`, { dictionary: parsed }, editing === undefined ? {} : { 'if-match': `"${editing.version}"` });
      onSaved();
    });
  };
  return (
    <form class="form" onSubmit={save} noValidate>
      {editing === undefined && (
        <Field id="pack-code" label={t('templates.code')} help={t('templates.codeHelp')} error={submit.error} field="code">
          <input id="pack-code" name="code" value={code} onInput={(e) => setCode(e.currentTarget.value)} aria-describedby={describedBy('pack-code')} />
        </Field>
      )}
      <Field id="pack-dictionary" label={t('templates.dictionary')} help={t('templates.dictionaryHelp')} error={submit.error} field="dictionary">
        <textarea id="pack-dictionary" name="dictionary" rows={8} spellcheck={false} value={dictionary} onInput={(e) => setDictionary(e.currentTarget.value)} aria-describedby={describedBy('pack-dictionary')} />
      </Field>
      <FormProblems error={submit.error} shown={['code', 'dictionary']} />
      <button type="submit" disabled={submit.busy}>
        {t('receivers.save')}
      </button>
    </form>
  );
}

/**
 * The scope's template sets (named templates receivers choose by
 * `presentation.templateSet`) and language packs (dictionaries for `t`).
 */
export function TemplatesPage({ session, scope }: { session: Session; scope: Scope }) {
  const { t } = useI18n();
  const sets = useLoad(() => call<Page<TemplateSet>>(session, 'GET', `${basePath(scope)}/template-sets`), [scope.accountId, scope.tenantId]);
  const packs = useLoad(() => call<Page<LanguagePack>>(session, 'GET', `${basePath(scope)}/language-packs`), [scope.accountId, scope.tenantId]);
  const [editingSet, setEditingSet] = useState<TemplateSet | 'new' | undefined>(undefined);
  const [editingPack, setEditingPack] = useState<LanguagePack | 'new' | undefined>(undefined);
  const removal = useSubmit();

  return (
    <section>
      <h1>{t('templates.title')}</h1>
      <h2>{t('templates.sets')}</h2>
      <p class="muted">{t('templates.setsIntro')}</p>
      <LoadState load={sets} isEmpty={(page) => page.items.length === 0} empty={t('templates.noSets')} />
      {removal.error !== undefined && <ErrorBox error={removal.error} />}
      <ul class="receivers">
        {(sets.value?.items ?? []).map((set) => (
          <li key={set.name} class="receiver-row" data-template-set={set.name}>
            <strong>{set.name}</strong> <span class="muted">{KINDS.filter((kind) => set.templates[kind] !== undefined).join(', ') || '–'}</span>{' '}
            <RowActions
              onEdit={() => setEditingSet(set)}
              busy={removal.busy}
              onDelete={() =>
                void removal.run(async () => {
                  await call(session, 'DELETE', `${basePath(scope)}/template-sets/${encodeURIComponent(set.name)}`);
                  sets.reload();
                })
              }
            />
          </li>
        ))}
      </ul>
      <EditorCard
        editing={editingSet}
        newLabel={t('templates.newSet')}
        editTitle={(set) => t('templates.editSet', { name: set.name })}
        onNew={() => setEditingSet('new')}
        form={(set) => (
          <TemplateSetForm
            key={set?.name ?? ''}
            session={session}
            scope={scope}
            editing={set}
            onSaved={() => {
              setEditingSet(undefined);
              sets.reload();
            }}
          />
        )}
      />

      <h2>{t('templates.packs')}</h2>
      <p class="muted">{t('templates.packsIntro')}</p>
      <LoadState load={packs} isEmpty={(page) => page.items.length === 0} empty={t('templates.noPacks')} />
      <ul class="receivers">
        {(packs.value?.items ?? []).map((pack) => (
          <li key={pack.code} class="receiver-row" data-language-pack={pack.code}>
            <strong>{pack.code}</strong> <span class="muted">{t('templates.entries', { count: Object.keys(pack.dictionary).length })}</span>{' '}
            <RowActions onEdit={() => setEditingPack(pack)} />
          </li>
        ))}
      </ul>
      <EditorCard
        editing={editingPack}
        newLabel={t('templates.newPack')}
        editTitle={(pack) => t('templates.editPack', { code: pack.code })}
        onNew={() => setEditingPack('new')}
        form={(pack) => (
          <LanguagePackForm
            key={pack?.code ?? ''}
            session={session}
            scope={scope}
            editing={pack}
            onSaved={() => {
              setEditingPack(undefined);
              packs.reload();
            }}
          />
        )}
      />
    </section>
  );
}
