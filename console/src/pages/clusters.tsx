import { useState } from 'preact/hooks';
import { basePath, call, type Scope } from '../api.js';
import { Badge, describedBy, ErrorBox, Field, LoadState, Time, useLoad, useSubmit } from '../components.js';
import { useI18n } from '../i18n.js';
import type { Session } from '../session.js';
import { senderSnippet, SNIPPET_KINDS, type SnippetKind } from '../snippets.js';
import type { ClusterView, ClusterWithToken, Page } from '../types.js';
import { MetricsEndpointEditor, RequestSigning } from './cluster-settings.js';

const TOKEN_PLACEHOLDER = '<cluster token>';

/** A snippet with a copy button; the clipboard needs a secure context (https or localhost), else the text is selected for copying. */
function Snippet({ cluster, token }: { cluster: ClusterView; token: string | undefined }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<SnippetKind>('alertmanager');
  const [copied, setCopied] = useState(false);
  const text = senderSnippet(kind, { ingestUrl: cluster.ingestUrl, token: token ?? TOKEN_PLACEHOLDER });
  const id = `snippet-${cluster.id}`;
  return (
    <div class="snippet">
      <Field id={`${id}-kind`} label={t('clusters.sender')}>
        <select
          id={`${id}-kind`}
          value={kind}
          onChange={(e) => {
            setKind(e.currentTarget.value as SnippetKind);
            setCopied(false);
          }}
        >
          {SNIPPET_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </Field>
      <pre id={id} data-kind={kind}>
        {text}
      </pre>
      <button
        type="button"
        onClick={() => {
          navigator.clipboard.writeText(text).then(
            () => setCopied(true),
            () => getSelection()?.selectAllChildren(document.getElementById(id)!),
          );
        }}
      >
        {copied ? t('clusters.copied') : t('clusters.copy')}
      </button>
      {token === undefined && <small> {t('clusters.tokenPlaceholder', { placeholder: TOKEN_PLACEHOLDER })}</small>}
    </div>
  );
}

/** The account's clusters (operator): create, rotate and revoke tokens, snippets for each sender, request signing and the metrics endpoint. */
export function ClustersPage({ session, scope }: { session: Session; scope: Scope }) {
  const { t } = useI18n();
  const clusters = useLoad(() => call<Page<ClusterView>>(session, 'GET', `${basePath({ accountId: scope.accountId })}/clusters`), [scope.accountId]);
  const [name, setName] = useState('');
  const [overlap, setOverlap] = useState('24h');
  // A token issued on this page, by cluster: shown once by the API, kept in memory only until the page is left.
  const [issued, setIssued] = useState<Record<string, string>>({});
  const action = useSubmit();
  const { error, busy } = action;

  const act = (work: () => Promise<unknown>) =>
    action.run(async () => {
      await work();
      clusters.reload();
    });
  const base = `${basePath({ accountId: scope.accountId })}/clusters`;
  const create = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      const created = await call<ClusterWithToken>(session, 'POST', base, { name: name.trim() });
      setIssued((previous) => ({ ...previous, [created.id]: created.token }));
      setName('');
    });
  };
  const rotate = (cluster: ClusterView) =>
    act(async () => {
      const rotated = await call<ClusterWithToken>(session, 'POST', `${base}/${encodeURIComponent(cluster.id)}/tokens`, { overlap });
      setIssued((previous) => ({ ...previous, [cluster.id]: rotated.token }));
    });
  const revoke = (cluster: ClusterView, tokenId: string) => act(() => call(session, 'DELETE', `${base}/${encodeURIComponent(cluster.id)}/tokens/${encodeURIComponent(tokenId)}`));

  return (
    <section>
      <h1>{t('clusters.title')}</h1>
      <form class="toolbar" onSubmit={create}>
        <Field id="cluster-name" label={t('clusters.name')} error={error} field="name">
          <input id="cluster-name" name="name" value={name} required onInput={(e) => setName(e.currentTarget.value)} aria-describedby={describedBy('cluster-name')} />
        </Field>
        <button type="submit" disabled={busy}>
          {t('clusters.create')}
        </button>
      </form>
      <div class="toolbar">
        <Field id="overlap" label={t('clusters.overlap')} help={t('clusters.overlapHelp')} error={error} field="overlap">
          <input id="overlap" name="overlap" value={overlap} onInput={(e) => setOverlap(e.currentTarget.value)} aria-describedby={describedBy('overlap')} />
        </Field>
      </div>
      {error !== undefined && <ErrorBox error={error} />}
      <LoadState load={clusters} isEmpty={(page) => page.items.length === 0} empty={t('clusters.empty')} />
      {(clusters.value?.items ?? []).map((cluster) => (
        <article class="group cluster" key={cluster.id} data-cluster={cluster.name}>
          <header>
            <span class="receiver">{cluster.name}</span> <code>{cluster.id}</code>
            {cluster.signedRequests && <Badge kind="active">{t('clusters.signed')}</Badge>}
          </header>
          <div class="cluster-body">
            <p>
              {t('clusters.ingestUrl')}: <code>{cluster.ingestUrl}</code>
            </p>
            {issued[cluster.id] !== undefined && (
              <p class="notice" role="status">
                {t('clusters.newToken')} <code class="token">{issued[cluster.id]}</code>
              </p>
            )}
            <table class="decisions-table">
              <thead>
                <tr>
                  <th scope="col">{t('clusters.token')}</th>
                  <th scope="col">{t('clusters.created')}</th>
                  <th scope="col">{t('clusters.state')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {cluster.tokens.map((token) => (
                  <tr key={token.id} data-token={token.id}>
                    <td>
                      <code>{token.id}</code>
                    </td>
                    <td>
                      <Time at={token.createdAt} />
                    </td>
                    <td>
                      {token.live ? <Badge kind="active">{t('clusters.live')}</Badge> : <Badge kind="expired">{t('clusters.revoked')}</Badge>}
                      {token.live && token.expiresAt !== undefined && (
                        <span class="muted">
                          {' '}
                          {t('clusters.until')} <Time at={token.expiresAt} />
                        </span>
                      )}
                    </td>
                    <td>
                      {/* A token issued before tokens had ids cannot be named, so not revoked alone: rotate instead. */}
                      {token.live && token.id !== null && (
                        <button type="button" disabled={busy} onClick={() => void revoke(cluster, token.id!)}>
                          {t('clusters.revoke')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button type="button" disabled={busy} onClick={() => void rotate(cluster)}>
              {t('clusters.rotate')}
            </button>
            <Snippet cluster={cluster} token={issued[cluster.id]} />
            <RequestSigning session={session} path={`${base}/${encodeURIComponent(cluster.id)}`} cluster={cluster} onChanged={clusters.reload} />
            <MetricsEndpointEditor session={session} path={`${base}/${encodeURIComponent(cluster.id)}`} />
          </div>
        </article>
      ))}
    </section>
  );
}
