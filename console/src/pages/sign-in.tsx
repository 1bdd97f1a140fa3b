import { useState } from 'preact/hooks';
import { ApiError, basePath, call } from '../api.js';
import { describedBy, ErrorBox, Field } from '../components.js';
import { useI18n } from '../i18n.js';
import { tenantOfKey, type Session } from '../session.js';

/**
 * Signs in with an operator or a tenant key: a tenant key names its account and
 * tenant; an operator key needs the account. The key is checked with a read
 * only that principal may do before it is kept (in this tab's sessionStorage).
 */
export function SignInPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const { t } = useI18n();
  const [key, setKey] = useState('');
  const [account, setAccount] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const tenant = tenantOfKey(key);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    const trimmed = key.trim();
    const session: Session =
      tenant === undefined
        ? { key: trimmed, accountId: account.trim(), principal: { kind: 'operator' } }
        : { key: trimmed, accountId: tenant.accountId, principal: { kind: 'tenant', tenantId: tenant.tenantId } };
    if (session.accountId === '') {
      setError(new Error(t('signIn.accountRequired')));
      return;
    }
    setBusy(true);
    try {
      // A tenant may read its own tenant; only the operator may read the account's settings.
      const probe = tenant === undefined ? `${basePath({ accountId: session.accountId })}/settings` : basePath({ accountId: session.accountId, tenantId: tenant.tenantId });
      await call(session, 'GET', probe);
      onSignedIn(session);
    } catch (failure) {
      setError(failure instanceof ApiError && (failure.status === 401 || failure.status === 403) ? new Error(t('signIn.refused')) : failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="sign-in">
      <h1>{t('signIn.title')}</h1>
      <form class="form" onSubmit={(event) => void submit(event)}>
        <Field id="key" label={t('signIn.key')} help={t('signIn.keyHelp')}>
          <input id="key" name="key" type="password" autocomplete="off" spellcheck={false} required value={key} onInput={(e) => setKey(e.currentTarget.value)} aria-describedby={describedBy('key')} />
        </Field>
        {tenant === undefined && (
          <Field id="account" label={t('signIn.account')} help={t('signIn.accountHelp')}>
            <input id="account" name="account" value={account} onInput={(e) => setAccount(e.currentTarget.value)} aria-describedby={describedBy('account')} />
          </Field>
        )}
        {error !== undefined && <ErrorBox error={error} />}
        <button type="submit" disabled={busy}>
          {t('signIn.submit')}
        </button>
      </form>
    </section>
  );
}
