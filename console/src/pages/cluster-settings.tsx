import { useState } from 'preact/hooks';
import { ApiError, call } from '../api.js';
import { describedBy, ErrorBox, Field, FormProblems, useLoad, useSubmit } from '../components.js';
import { useI18n } from '../i18n.js';
import { AUTH_KINDS, type AuthKind, ENDPOINT_TYPES, metricsEndpointBodyOf, metricsEndpointFormOf, type MetricsEndpointForm } from '../metrics-endpoint-form.js';
import { PairRows } from '../pair-rows.js';
import type { Session } from '../session.js';
import type { ClusterView, MetricsEndpoint, SigningSecret } from '../types.js';

const ENDPOINT_FIELDS = ['url', 'type', 'orgId', 'bearerToken', 'basicAuth', 'sigv4', 'externalLabels', 'resendDelay', 'evaluationInterval'] as const;

/**
 * Request signing: turned on (or a second secret added, for rotation) by
 * asking the API for a secret, shown this once; turned off by deleting them.
 */
export function RequestSigning({ session, path, cluster, onChanged }: { session: Session; path: string; cluster: ClusterView; onChanged: () => void }) {
  const { t } = useI18n();
  const [issued, setIssued] = useState<SigningSecret | undefined>(undefined);
  const action = useSubmit();
  const run = (work: () => Promise<void>) =>
    void action.run(async () => {
      await work();
      onChanged();
    });
  return (
    <div class="signing" data-signing={cluster.signedRequests ? 'on' : 'off'}>
      <h3>{t('clusters.signing')}</h3>
      <p class="muted">{cluster.signedRequests ? t('clusters.signingOn') : t('clusters.signingOff')}</p>
      {issued !== undefined && (
        <p class="notice" role="status">
          {t('clusters.newSecret', { header: issued.header, timestampHeader: issued.timestampHeader })} <code class="token">{issued.secret}</code>
        </p>
      )}
      {action.error !== undefined && <ErrorBox error={action.error} />}
      <button type="button" disabled={action.busy} onClick={() => run(async () => setIssued(await call<SigningSecret>(session, 'POST', `${path}/signing-secrets`)))}>
        {cluster.signedRequests ? t('clusters.addSecret') : t('clusters.requireSigning')}
      </button>
      {cluster.signedRequests && (
        <>
          {' '}
          <button
            type="button"
            disabled={action.busy}
            onClick={() =>
              run(async () => {
                await call(session, 'DELETE', `${path}/signing-secrets`);
                setIssued(undefined);
              })
            }
          >
            {t('clusters.stopSigning')}
          </button>
        </>
      )}
    </div>
  );
}

function EndpointForm({ session, path, loaded, onSaved }: { session: Session; path: string; loaded: MetricsEndpoint | undefined; onSaved: (saved: MetricsEndpoint | undefined) => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState<MetricsEndpointForm>(() => metricsEndpointFormOf(loaded));
  const submit = useSubmit();
  const error = submit.error;
  const set = (patch: Partial<MetricsEndpointForm>) => setForm({ ...form, ...patch });
  const id = (field: string) => `${path.replace(/\W/g, '-')}-${field}`;
  const text = (field: 'url' | 'orgId' | 'bearerToken' | 'username' | 'password' | 'region' | 'resendDelay' | 'evaluationInterval', apiField: string, help?: string) => (
    <Field id={id(field)} label={t(`endpoint.${field}`)} help={help} error={error} field={apiField}>
      {field === 'bearerToken' || field === 'password' ? (
        <input id={id(field)} type="password" autocomplete="off" value={form[field]} onInput={(e) => set({ [field]: e.currentTarget.value })} aria-describedby={describedBy(id(field))} />
      ) : (
        <input id={id(field)} value={form[field]} onInput={(e) => set({ [field]: e.currentTarget.value })} aria-describedby={describedBy(id(field))} />
      )}
    </Field>
  );
  const save = (event: Event) => {
    event.preventDefault();
    void submit.run(async () => {
      const saved = await call<MetricsEndpoint>(session, 'PUT', `${path}/metrics-endpoint`, metricsEndpointBodyOf(form), loaded === undefined ? {} : { 'if-match': `"${loaded.version}"` });
      onSaved(saved);
    });
  };
  const remove = () =>
    void submit.run(async () => {
      await call(session, 'DELETE', `${path}/metrics-endpoint`);
      onSaved(undefined);
    });
  return (
    <form class="form" onSubmit={save} noValidate>
      {text('url', 'url', t('endpoint.urlHelp'))}
      <Field id={id('type')} label={t('endpoint.type')} error={error} field="type">
        <select id={id('type')} value={form.type} onChange={(e) => set({ type: e.currentTarget.value })}>
          {ENDPOINT_TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
      </Field>
      {(form.type === 'mimir' || form.orgId !== '') && text('orgId', 'orgId', t('endpoint.orgIdHelp'))}
      <Field id={id('auth')} label={t('endpoint.auth')} help={loaded?.authorization === '<secret>' ? t('endpoint.authStored') : undefined}>
        <select id={id('auth')} value={form.auth} onChange={(e) => set({ auth: e.currentTarget.value as AuthKind })} aria-describedby={describedBy(id('auth'))}>
          {AUTH_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`endpoint.auth.${kind}`)}
            </option>
          ))}
        </select>
      </Field>
      {form.auth === 'bearer' && text('bearerToken', 'bearerToken')}
      {form.auth === 'basic' && (
        <>
          {text('username', 'basicAuth.username')}
          {text('password', 'basicAuth.password')}
          <FieldMessage error={error} field="basicAuth" />
        </>
      )}
      {form.auth === 'sigv4' && text('region', 'sigv4.region', t('endpoint.regionHelp'))}
      <Field id={id('externalLabels')} label={t('endpoint.externalLabels')} help={t('endpoint.externalLabelsHelp')} error={error} field="externalLabels">
        <PairRows id={id('externalLabels')} label={t('endpoint.externalLabels')} rows={form.externalLabels} onChange={(rows) => set({ externalLabels: rows })} describedBy={describedBy(id('externalLabels'))} />
      </Field>
      {text('evaluationInterval', 'evaluationInterval', t('endpoint.evaluationIntervalHelp'))}
      {text('resendDelay', 'resendDelay', t('endpoint.resendDelayHelp'))}
      <FormProblems error={error} shown={ENDPOINT_FIELDS} />
      <button type="submit" disabled={submit.busy}>
        {t('receivers.save')}
      </button>
      {loaded !== undefined && (
        <>
          {' '}
          <button type="button" disabled={submit.busy} onClick={remove}>
            {t('endpoint.delete')}
          </button>
        </>
      )}
    </form>
  );
}

/** A refusal about a group of fields as a whole (`basicAuth`: "give bearerToken or basicAuth, not both"), not about one of them. */
function FieldMessage({ error, field }: { error: unknown; field: string }) {
  const messages = error instanceof ApiError ? error.issues.filter((issue) => issue.field === field).map((issue) => issue.message) : [];
  return messages.length === 0 ? null : (
    <p class="field-error" role="alert">
      {messages.join('; ')}
    </p>
  );
}

/**
 * The cluster's metrics endpoint, queried to evaluate its metric rule groups
 * centrally (and for dry runs): shown, set, replaced or removed.
 */
export function MetricsEndpointEditor({ session, path }: { session: Session; path: string }) {
  const { t } = useI18n();
  const load = useLoad(async () => {
    try {
      return await call<MetricsEndpoint>(session, 'GET', `${path}/metrics-endpoint`);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 404) return undefined;
      throw failure;
    }
  }, [path]);
  const [saved, setSaved] = useState<{ endpoint: MetricsEndpoint | undefined } | undefined>(undefined);
  const [editing, setEditing] = useState(false);
  const current = saved === undefined ? load.value : saved.endpoint;
  if (load.error !== undefined) return <ErrorBox error={load.error} />;
  if (load.loading && saved === undefined) return null;
  return (
    <div class="metrics-endpoint">
      <h3>{t('endpoint.title')}</h3>
      <p class="muted">
        {current === undefined
          ? t('endpoint.none')
          : t('endpoint.summary', { url: current.url, type: current.type, interval: current.evaluationInterval, credentials: current.sigv4 !== undefined ? 'SigV4' : current.authorization === '<secret>' ? t('endpoint.credentialsStored') : t('endpoint.auth.none') })}
      </p>
      {editing ? (
        <EndpointForm
          session={session}
          path={path}
          loaded={current}
          onSaved={(endpoint) => {
            setSaved({ endpoint });
            setEditing(false);
          }}
        />
      ) : (
        <button type="button" onClick={() => setEditing(true)}>
          {current === undefined ? t('endpoint.set') : t('endpoint.edit')}
        </button>
      )}
    </div>
  );
}
