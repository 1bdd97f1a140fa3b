import { useState } from 'preact/hooks';
import { basePath, call, type Scope } from '../api.js';
import { describedBy, EditorCard, ErrorBox, Field, fieldError, FormProblems, LoadState, RowActions, usePaged, useSubmit } from '../components.js';
import { useI18n } from '../i18n.js';
import { namespaceRefsText, parseNamespaceRefs } from '../namespace-refs.js';
import type { Session } from '../session.js';
import type { Page, Workspace } from '../types.js';

const PAGE_SIZE = 50;

/** Creates or replaces a workspace; the API re-derives the access of every tenant bound to it. */
function WorkspaceForm({ session, collection, editing, onSaved }: { session: Session; collection: string; editing: Workspace | undefined; onSaved: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState(editing?.name ?? '');
  const [namespaces, setNamespaces] = useState(namespaceRefsText(editing?.namespaces));
  const submit = useSubmit();
  const save = (event: Event) => {
    event.preventDefault();
    void submit.run(async () => {
      const target = editing?.name ?? name.trim();
      if (target === '') throw fieldError('workspace', t('receivers.nameRequired'));
      const parsed = parseNamespaceRefs(namespaces);
      if ('badLine' in parsed) throw fieldError('namespaces', t('tenants.badBinding', { line: parsed.badLine }));
      await call(session, 'PUT', `${collection}/${encodeURIComponent(target)}`, { namespaces: parsed }, editing === undefined ? {} : { 'if-match': `"${editing.version}"` });
      onSaved();
    });
  };
  return (
    <form class="form" onSubmit={save} noValidate>
      {editing === undefined && (
        <Field id="workspace-name" label={t('receivers.name')} error={submit.error} field="workspace">
          <input id="workspace-name" value={name} onInput={(e) => setName(e.currentTarget.value)} aria-describedby={describedBy('workspace-name')} />
        </Field>
      )}
      <Field id="workspace-namespaces" label={t('tenants.bindingsField')} help={t('workspaces.namespacesHelp')} error={submit.error} field="namespaces">
        <textarea id="workspace-namespaces" rows={4} spellcheck={false} value={namespaces} onInput={(e) => setNamespaces(e.currentTarget.value)} aria-describedby={describedBy('workspace-namespaces')} />
      </Field>
      <FormProblems error={submit.error} shown={['workspace', 'namespaces']} />
      <button type="submit" disabled={submit.busy}>
        {t('receivers.save')}
      </button>
    </form>
  );
}

/** The account's workspaces (operator): named groups of namespaces that tenants are bound to, as in KubeSphere. */
export function WorkspacesPage({ session, scope }: { session: Session; scope: Scope }) {
  const { t } = useI18n();
  const collection = `${basePath({ accountId: scope.accountId })}/workspaces`;
  const workspaces = usePaged((cursor) => call<Page<Workspace>>(session, 'GET', `${collection}?limit=${PAGE_SIZE}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`), [scope.accountId]);
  const [editing, setEditing] = useState<Workspace | 'new' | undefined>(undefined);
  const removal = useSubmit();
  return (
    <section>
      <h1>{t('workspaces.title')}</h1>
      <p class="muted">{t('workspaces.intro')}</p>
      <LoadState load={workspaces.first} isEmpty={(page) => page.items.length === 0} empty={t('workspaces.empty')} />
      {removal.error !== undefined && <ErrorBox error={removal.error} />}
      <ul class="receivers">
        {workspaces.items.map((workspace) => (
          <li key={workspace.name} class="receiver-row" data-workspace={workspace.name}>
            <strong>{workspace.name}</strong> <span class="muted">{workspace.namespaces.map((ref) => `${ref.cluster}/${ref.namespace}`).join(', ') || '–'}</span>{' '}
            <RowActions
              onEdit={() => setEditing(workspace)}
              busy={removal.busy}
              onDelete={() =>
                void removal.run(async () => {
                  await call(session, 'DELETE', `${collection}/${encodeURIComponent(workspace.name)}`);
                  workspaces.reload();
                })
              }
            />
          </li>
        ))}
      </ul>
      {workspaces.hasMore && (
        <button type="button" disabled={workspaces.loadingMore} onClick={workspaces.more}>
          {t('workspaces.more')}
        </button>
      )}
      <EditorCard
        editing={editing}
        newLabel={t('workspaces.new')}
        editTitle={(workspace) => t('workspaces.edit', { name: workspace.name })}
        onNew={() => setEditing('new')}
        form={(workspace) => (
          <WorkspaceForm
            key={workspace?.name ?? ''}
            session={session}
            collection={collection}
            editing={workspace}
            onSaved={() => {
              setEditing(undefined);
              workspaces.reload();
            }}
          />
        )}
      />
    </section>
  );
}
