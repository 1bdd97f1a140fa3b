import { useState } from 'preact/hooks';
import { basePath, call, type Scope } from '../api.js';
import { describedBy, ErrorBox, Field, fieldError, FormProblems, LoadState, Time, useLoad, usePaged, useSubmit } from '../components.js';
import { useI18n } from '../i18n.js';
import { namespaceRefsText, parseNamespaceRefs } from '../namespace-refs.js';
import { href } from '../router.js';
import type { Session } from '../session.js';
import type { Page, TenantKey, TenantView } from '../types.js';

const PAGE_SIZE = 50;

const tenantPath = (scope: Scope, tenantId: string) => `${basePath({ accountId: scope.accountId })}/tenants/${encodeURIComponent(tenantId)}`;

/** The account's tenants, page by page (the operator's picker and Tenants page). */
export function useTenants(session: Session, accountId: string) {
  return usePaged((cursor) => call<Page<TenantView>>(session, 'GET', `${basePath({ accountId })}/tenants?limit=${PAGE_SIZE}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`), [accountId]);
}

/** What a tenant may see: its bindings and workspaces. */
function Reach({ tenant }: { tenant: TenantView }) {
  const { t } = useI18n();
  return (
    <p class="muted">
      {t('tenants.bindings')}: {tenant.bindings.map((b) => `${b.cluster}/${b.namespace}`).join(', ') || '–'} · {t('tenants.workspaces')}: {tenant.workspaces.join(', ') || '–'}
    </p>
  );
}

/** Creates or replaces a tenant: name, display name, bindings, workspaces; the API's messages by each field. */
function TenantForm({ session, scope, editing, onSaved }: { session: Session; scope: Scope; editing: TenantView | undefined; onSaved: (tenant: TenantView) => void }) {
  const { t } = useI18n();
  const [id, setId] = useState(editing?.id ?? '');
  const [displayName, setDisplayName] = useState(editing?.displayName ?? '');
  const [bindings, setBindings] = useState(namespaceRefsText(editing?.bindings));
  const [workspaces, setWorkspaces] = useState((editing?.workspaces ?? []).join(', '));
  const submit = useSubmit();
  const save = (event: Event) => {
    event.preventDefault();
    void submit.run(async () => {
      const tenantId = editing?.id ?? id.trim();
      if (tenantId === '') throw fieldError('id', t('tenants.idRequired'));
      const parsed = parseNamespaceRefs(bindings);
      if ('badLine' in parsed) throw fieldError('bindings', t('tenants.badBinding', { line: parsed.badLine }));
      const body = {
        displayName: displayName.trim(),
        bindings: parsed,
        workspaces: workspaces
          .split(',')
          .map((w) => w.trim())
          .filter((w) => w !== ''),
      };
      onSaved(await call<TenantView>(session, 'PUT', tenantPath(scope, tenantId), body, editing === undefined ? {} : { 'if-match': `"${editing.version}"` }));
    });
  };
  return (
    <form class="form" onSubmit={save} noValidate>
      {editing === undefined && (
        <Field id="tenant-id" label={t('tenants.id')} help={t('tenants.idHelp')} error={submit.error} field="id">
          <input id="tenant-id" name="id" value={id} onInput={(e) => setId(e.currentTarget.value)} aria-describedby={describedBy('tenant-id')} />
        </Field>
      )}
      <Field id="tenant-display-name" label={t('tenants.displayName')} error={submit.error} field="displayName">
        <input id="tenant-display-name" name="displayName" value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} aria-describedby={describedBy('tenant-display-name')} />
      </Field>
      <Field id="tenant-bindings" label={t('tenants.bindingsField')} help={t('tenants.bindingsHelp')} error={submit.error} field="bindings">
        <textarea id="tenant-bindings" name="bindings" rows={3} spellcheck={false} value={bindings} onInput={(e) => setBindings(e.currentTarget.value)} aria-describedby={describedBy('tenant-bindings')} />
      </Field>
      <Field id="tenant-workspaces" label={t('tenants.workspacesField')} error={submit.error} field="workspaces">
        <input id="tenant-workspaces" name="workspaces" value={workspaces} onInput={(e) => setWorkspaces(e.currentTarget.value)} aria-describedby={describedBy('tenant-workspaces')} />
      </Field>
      <FormProblems error={submit.error} shown={['id', 'displayName', 'bindings', 'workspaces']} />
      <button type="submit" disabled={submit.busy}>
        {t('receivers.save')}
      </button>
    </form>
  );
}

/** The account's tenants (operator): page through, create, edit bindings, issue and revoke keys, delete. */
export function TenantsPage({ session, scope }: { session: Session; scope: Scope }) {
  const { t } = useI18n();
  const tenants = useTenants(session, scope.accountId);
  const [editing, setEditing] = useState<TenantView | 'new' | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [issued, setIssued] = useState<{ tenantId: string; key: TenantKey } | undefined>(undefined);
  const action = useSubmit();
  // A tenant changed in place (edited, a key issued or revoked) shows as it is now without reloading every page.
  const [changed, setChanged] = useState<Record<string, TenantView>>({});
  const refresh = async (tenantId: string) => {
    const tenant = await call<TenantView>(session, 'GET', tenantPath(scope, tenantId));
    setChanged((previous) => ({ ...previous, [tenant.id]: tenant }));
  };
  const saved = (tenant: TenantView) => {
    const created = editing === 'new';
    setEditing(undefined);
    setNotice(t('tenants.saved', { id: tenant.id, version: tenant.version }));
    if (created) tenants.reload();
    else setChanged((previous) => ({ ...previous, [tenant.id]: tenant }));
  };
  const act = (run: () => Promise<void>) => {
    setNotice(undefined);
    setIssued(undefined);
    void action.run(run);
  };

  return (
    <section>
      <h1>{t('tenants.title')}</h1>
      <p>
        <button type="button" onClick={() => setEditing('new')}>
          {t('tenants.new')}
        </button>
      </p>
      {editing !== undefined && (
        <section class="card">
          <h2>{editing === 'new' ? t('tenants.new') : t('tenants.edit', { id: editing.id })}</h2>
          <TenantForm key={editing === 'new' ? '' : editing.id} session={session} scope={scope} editing={editing === 'new' ? undefined : editing} onSaved={saved} />
        </section>
      )}
      {notice !== undefined && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {issued !== undefined && (
        <p class="notice new-key" role="status">
          {t('tenants.keyIssued', { id: issued.tenantId })} <code>{issued.key.key}</code>
        </p>
      )}
      {action.error !== undefined && <ErrorBox error={action.error} />}
      <LoadState load={tenants.first} isEmpty={(page) => page.items.length === 0} empty={t('tenants.empty')} />
      <ul class="receivers">
        {tenants.items.map((listed) => changed[listed.id] ?? listed).map((tenant) => (
          <li key={tenant.id} class="receiver-row" data-tenant={tenant.id}>
            <a href={href(tenant.id, 'alerts')}>
              <strong>{tenant.displayName === '' ? tenant.id : `${tenant.displayName} (${tenant.id})`}</strong>
            </a>
            <Reach tenant={tenant} />
            <ul class="keys">
              {tenant.keys.map((key) => (
                <li key={key.id}>
                  {t('tenants.key', { id: key.id })} · <Time at={key.createdAt} />{' '}
                  <button type="button" disabled={action.busy} onClick={() => act(async () => {
                    await call(session, 'DELETE', `${tenantPath(scope, tenant.id)}/keys/${encodeURIComponent(key.id)}`);
                    await refresh(tenant.id);
                  })}>
                    {t('tenants.revoke')}
                  </button>
                </li>
              ))}
            </ul>
            <button type="button" onClick={() => setEditing(tenant)}>
              {t('common.edit')}
            </button>{' '}
            <button type="button" disabled={action.busy} onClick={() => act(async () => {
              setIssued({ tenantId: tenant.id, key: await call<TenantKey>(session, 'POST', `${tenantPath(scope, tenant.id)}/keys`) });
              await refresh(tenant.id);
            })}>
              {t('tenants.issueKey')}
            </button>{' '}
            <button type="button" disabled={action.busy} onClick={() => {
              if (confirm(t('tenants.confirmDelete', { id: tenant.id }))) act(async () => {
                await call(session, 'DELETE', tenantPath(scope, tenant.id));
                tenants.reload();
              });
            }}>
              {t('common.delete')}
            </button>
          </li>
        ))}
      </ul>
      {tenants.hasMore && (
        <button type="button" disabled={tenants.loadingMore} onClick={tenants.more}>
          {t('tenants.more')}
        </button>
      )}
    </section>
  );
}

/** A tenant's own page: its name, what it may see, and its keys (ids only). */
export function TenantPage({ session, scope }: { session: Session; scope: Scope }) {
  const { t } = useI18n();
  const tenant = useLoad(() => call<TenantView>(session, 'GET', tenantPath(scope, scope.tenantId!)), [scope.accountId, scope.tenantId]);
  return (
    <section>
      <h1>{t('tenants.own')}</h1>
      <LoadState load={tenant} isEmpty={() => false} empty="" />
      {tenant.value !== undefined && (
        <div class="card" data-tenant={tenant.value.id}>
          <h2>{tenant.value.displayName === '' ? tenant.value.id : `${tenant.value.displayName} (${tenant.value.id})`}</h2>
          <Reach tenant={tenant.value} />
          <p class="muted">{t('tenants.keys', { ids: tenant.value.keys.map((k) => k.id).join(', ') || '–' })}</p>
        </div>
      )}
    </section>
  );
}
