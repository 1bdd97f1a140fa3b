import { render } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { Scope } from './api.js';
import { initialLanguage, LanguageContext, LANGUAGES, rememberLanguage, translator, useI18n, type Language } from './i18n.js';
import { AlertPage } from './pages/alert.js';
import { AlertsPage } from './pages/alerts.js';
import { ClustersPage } from './pages/clusters.js';
import { ConfigsPage } from './pages/configs.js';
import { ExplainPage } from './pages/explain.js';
import { HistoryPage } from './pages/history.js';
import { InhibitRulesPage } from './pages/inhibit-rules.js';
import { ReceiverPage, ReceiversPage } from './pages/receivers.js';
import { RoutersPage } from './pages/routers.js';
import { RuleGroupsPage } from './pages/rule-groups.js';
import { RulesPage } from './pages/rules.js';
import { AccountSettingsPage } from './pages/account-settings.js';
import { WorkspacesPage } from './pages/workspaces.js';
import { TemplatesPage } from './pages/templates.js';
import { SignInPage } from './pages/sign-in.js';
import { SilenceFormPage, SilencesPage } from './pages/silences.js';
import { TenantPage, TenantsPage, useTenants } from './pages/tenants.js';
import { href, parseRoute, useHash, type Route } from './router.js';
import { clearSession, loadSession, saveSession, type Session } from './session.js';
import './console.css';

/**
 * The operator picks the account's global view or a tenant's; a tenant key has
 * only its own. Tenants load a page at a time: the last option loads the next.
 */
function ScopePicker({ session, route }: { session: Session; route: Route }) {
  const { t } = useI18n();
  const tenants = useTenants(session, session.accountId);
  const MORE = '\u0000more';
  const shown = tenants.items.some((tenant) => tenant.id === route.tenantId) || route.tenantId === undefined ? tenants.items : [...tenants.items, { id: route.tenantId, displayName: '' }];
  return (
    <span class="scope">
      <label for="scope">{t('nav.scope')}</label>{' '}
      <select
        id="scope"
        value={route.tenantId ?? ''}
        onChange={(e) => {
          const tenantId = e.currentTarget.value;
          if (tenantId === MORE) {
            e.currentTarget.value = route.tenantId ?? '';
            tenants.more();
            return;
          }
          location.hash = href(tenantId === '' ? undefined : tenantId, 'alerts');
        }}
      >
        <option value="">{t('nav.global')}</option>
        {shown.map((tenant) => (
          <option key={tenant.id} value={tenant.id}>
            {tenant.displayName === '' ? tenant.id : `${tenant.displayName} (${tenant.id})`}
          </option>
        ))}
        {tenants.hasMore && <option value={MORE}>{t('nav.moreTenants')}</option>}
      </select>
    </span>
  );
}

function Forbidden({ own, other }: { own: string; other: string }) {
  const { t } = useI18n();
  return (
    <section class="forbidden" role="alert">
      <h1>{t('forbidden.title')}</h1>
      <p>{t('forbidden.text', { own, other })}</p>
      <a href={href(own, 'alerts')}>{t('forbidden.back')}</a>
    </section>
  );
}

function PageFor({ session, route }: { session: Session; route: Route }) {
  const scope: Scope = { accountId: session.accountId, ...(route.tenantId === undefined ? {} : { tenantId: route.tenantId }) };
  // The server refuses another tenant's paths too; the console does not even ask.
  if (session.principal.kind === 'tenant' && route.tenantId !== session.principal.tenantId) {
    return <Forbidden own={session.principal.tenantId} other={route.tenantId ?? 'global'} />;
  }
  const key = `${route.tenantId ?? ''}/${route.page}/${route.arg ?? ''}?${route.params.toString()}`;
  if (route.page === 'alerts' && route.arg !== undefined) return <AlertPage key={key} session={session} scope={scope} fingerprint={route.arg} />;
  if (route.page === 'silences' && route.arg !== undefined) {
    return <SilenceFormPage key={key} session={session} scope={scope} params={route.params} id={route.arg === 'new' ? undefined : route.arg} />;
  }
  if (route.page === 'silences') return <SilencesPage key={key} session={session} scope={scope} params={route.params} />;
  // A receiver may be called "new": creating one has a page of its own.
  if (route.page === 'new-receiver') return <ReceiverPage key={key} session={session} scope={scope} name={undefined} params={route.params} />;
  if (route.page === 'receivers' && route.arg !== undefined) return <ReceiverPage key={key} session={session} scope={scope} name={route.arg} params={route.params} />;
  if (route.page === 'receivers') return <ReceiversPage key={key} session={session} scope={scope} />;
  // Clusters belong to the account: the operator's global view only.
  if (route.page === 'clusters' && session.principal.kind === 'operator') return <ClustersPage key={key} session={session} scope={scope} />;
  if (route.page === 'tenants' && session.principal.kind === 'operator') return <TenantsPage key={key} session={session} scope={scope} />;
  // Routers are the account's, written by the operator alone.
  if (route.page === 'routers' && session.principal.kind === 'operator') return <RoutersPage key={key} session={session} scope={scope} />;
  if (route.page === 'workspaces' && session.principal.kind === 'operator') return <WorkspacesPage key={key} session={session} scope={scope} />;
  if (route.page === 'settings' && session.principal.kind === 'operator') return <AccountSettingsPage key={key} session={session} scope={scope} />;
  if (route.page === 'inhibit-rules') return <InhibitRulesPage key={key} session={session} scope={scope} />;
  if (route.page === 'tenant' && scope.tenantId !== undefined) return <TenantPage key={key} session={session} scope={scope} />;
  if (route.page === 'configs') return <ConfigsPage key={key} session={session} scope={scope} />;
  if (route.page === 'rules') return <RulesPage key={key} session={session} scope={scope} />;
  if (route.page === 'rule-groups') return <RuleGroupsPage key={key} session={session} scope={scope} />;
  if (route.page === 'templates') return <TemplatesPage key={key} session={session} scope={scope} />;
  if (route.page === 'explain') return <ExplainPage key={key} session={session} scope={scope} params={route.params} />;
  if (route.page === 'history') return <HistoryPage key={key} session={session} scope={scope} params={route.params} />;
  return <AlertsPage key={key} session={session} scope={scope} params={route.params} />;
}

function Shell() {
  const { t, language } = useI18n();
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const hash = useHash();
  const home = (s: Session) => href(s.principal.kind === 'tenant' ? s.principal.tenantId : undefined, 'alerts');
  const route = parseRoute(hash);

  if (session === undefined) {
    return (
      <SignInPage
        onSignedIn={(signedIn) => {
          saveSession(signedIn);
          setSession(signedIn);
          if (parseRoute(location.hash) === undefined) location.hash = home(signedIn);
        }}
      />
    );
  }
  if (route === undefined) {
    location.replace(home(session));
    return null;
  }
  const nav = (page: string, label: string) => (
    <a href={href(route.tenantId, page)} aria-current={route.page === page || route.page === `new-${page.replace(/s$/, '')}` ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <>
      <header class="top" lang={language}>
        <strong class="brand">{t('app.title')}</strong>
        <nav>
          {nav('alerts', t('nav.alerts'))}
          {nav('silences', t('nav.silences'))}
          {nav('inhibit-rules', t('nav.inhibitRules'))}
          {nav('history', t('nav.history'))}
          {nav('receivers', t('nav.receivers'))}
          {nav('configs', t('nav.configs'))}
          {nav('explain', t('nav.explain'))}
          {nav('rules', t('nav.rules'))}
          {nav('rule-groups', t('nav.ruleGroups'))}
          {nav('templates', t('nav.templates'))}
          {session.principal.kind === 'operator' && (
            <a href={href(undefined, 'clusters')} aria-current={route.page === 'clusters' ? 'page' : undefined}>
              {t('nav.clusters')}
            </a>
          )}
          {/* The account's own objects: the operator's, shown from any scope, opened in the global view. */}
          {session.principal.kind === 'operator' &&
            (['routers', 'workspaces', 'settings'] as const).map((page) => (
              <a key={page} href={href(undefined, page)} aria-current={route.page === page ? 'page' : undefined}>
                {t(`nav.${page}`)}
              </a>
            ))}
          {route.tenantId !== undefined
            ? nav('tenant', t('nav.tenant'))
            : session.principal.kind === 'operator' && nav('tenants', t('nav.tenants'))}
        </nav>
        {session.principal.kind === 'operator' ? <ScopePicker session={session} route={route} /> : <span class="scope">{`${session.accountId} / ${session.principal.tenantId}`}</span>}
        <button
          type="button"
          onClick={() => {
            clearSession();
            setSession(undefined);
          }}
        >
          {t('nav.signOut')}
        </button>
      </header>
      <main>
        <PageFor session={session} route={route} />
      </main>
    </>
  );
}

function App() {
  const [language, setLanguage] = useState<Language>(initialLanguage);
  const value = useMemo(() => ({ language, t: translator(language) }), [language]);
  document.documentElement.lang = language;
  return (
    <LanguageContext.Provider value={value}>
      <div class="language">
        <select
            name="language"
            aria-label={value.t('nav.language')}
            value={language}
            onChange={(e) => {
              const chosen = e.currentTarget.value as Language;
              rememberLanguage(chosen);
              setLanguage(chosen);
            }}
          >
            {LANGUAGES.map((l) => (
              <option key={l.code} value={l.code}>
                {l.name}
              </option>
            ))}
          </select>
      </div>
      <Shell />
    </LanguageContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
