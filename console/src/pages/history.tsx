import { useState } from 'preact/hooks';
import { basePath, call, query, type Scope } from '../api.js';
import { Badge, describedBy, ErrorBox, Field, LoadState, Time, useLoad, useSubmit } from '../components.js';
import { useI18n } from '../i18n.js';
import type { Session } from '../session.js';
import type { NotificationRecord, Page } from '../types.js';

/** Moves the account's dead letters back to their queue (operator): failed deliveries get another try. */
function DeadLetterReplay({ session, accountId }: { session: Session; accountId: string }) {
  const { t } = useI18n();
  const [queue, setQueue] = useState('delivery');
  const [receiver, setReceiver] = useState('');
  const [result, setResult] = useState<{ replayed: number; skipped: number } | undefined>(undefined);
  const submit = useSubmit();
  const { error, busy } = submit;
  const replay = (event: Event) => {
    event.preventDefault();
    setResult(undefined);
    void submit.run(async () => {
      setResult(await call(session, 'POST', `${basePath({ accountId })}/dead-letters/replay`, { queue, ...(receiver.trim() === '' ? {} : { receiver: receiver.trim() }) }));
    });
  };
  return (
    <details class="dead-letters">
      <summary>{t('deadLetters.title')}</summary>
      <form class="toolbar" onSubmit={replay}>
        <Field id="dl-queue" label={t('deadLetters.queue')} error={error} field="queue">
          <select id="dl-queue" value={queue} onChange={(e) => setQueue(e.currentTarget.value)}>
            {['delivery', 'groups', 'alerts', 'signals'].map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="dl-receiver" label={t('deadLetters.receiver')} error={error} field="receiver">
          <input id="dl-receiver" value={receiver} onInput={(e) => setReceiver(e.currentTarget.value)} aria-describedby={describedBy('dl-receiver')} />
        </Field>
        <button type="submit" disabled={busy}>
          {t('deadLetters.replay')}
        </button>
      </form>
      {error !== undefined && <ErrorBox error={error} />}
      {result !== undefined && (
        <p role="status" class="notice">
          {t('deadLetters.result', { replayed: result.replayed, skipped: result.skipped })}
        </p>
      )}
    </details>
  );
}

type Filters = { receiver: string; channel: string; status: string; alertname: string };

/** Notification history, newest first, with the API's filters and cursor paging. */
export function HistoryPage({ session, scope, params }: { session: Session; scope: Scope; params: URLSearchParams }) {
  const { t } = useI18n();
  const initial: Filters = {
    receiver: params.get('receiver') ?? '',
    channel: params.get('channel') ?? '',
    status: params.get('status') ?? '',
    alertname: params.get('alertname') ?? '',
  };
  const [draft, setDraft] = useState<Filters>(initial);
  const [filters, setFilters] = useState<Filters>(initial);
  const [older, setOlder] = useState<{ items: NotificationRecord[]; cursor?: string }>({ items: [] });
  const pageOf = (cursor?: string) =>
    call<Page<NotificationRecord>>(
      session,
      'GET',
      `${basePath(scope)}/history` + query([['limit', '25'], ['receiver', filters.receiver], ['channel', filters.channel], ['status', filters.status], ['alertname', filters.alertname], ['cursor', cursor]]),
    );
  const first = useLoad(() => {
    setOlder({ items: [] });
    return pageOf();
  }, [scope.accountId, scope.tenantId, JSON.stringify(filters)]);
  const [olderError, setOlderError] = useState<unknown>(undefined);
  const items = [...(first.value?.items ?? []), ...older.items];
  const cursor = older.items.length > 0 ? older.cursor : first.value?.cursor;

  const loadOlder = async () => {
    try {
      const page = await pageOf(cursor);
      setOlder({ items: [...older.items, ...page.items], ...(page.cursor ? { cursor: page.cursor } : {}) });
    } catch (error) {
      setOlderError(error);
    }
  };
  const field = (name: keyof Filters) => ({ id: name, name, 'aria-describedby': describedBy(name), value: draft[name], onInput: (e: { currentTarget: HTMLInputElement }) => setDraft({ ...draft, [name]: e.currentTarget.value }) });

  return (
    <section>
      <h1>{t('history.title')}</h1>
      {session.principal.kind === 'operator' && scope.tenantId === undefined && <DeadLetterReplay session={session} accountId={scope.accountId} />}
      <form
        class="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          setFilters(draft);
          if (JSON.stringify(draft) === JSON.stringify(filters)) first.reload();
        }}
      >
        <Field id="receiver" label={t('history.receiver')} error={first.error} field="receiver">
          <input {...field('receiver')} />
        </Field>
        <Field id="channel" label={t('history.channel')} error={first.error} field="channel">
          <input {...field('channel')} />
        </Field>
        <Field id="status" label={t('history.status')}>
          <select id="status" name="status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value })}>
            <option value="">{t('history.any')}</option>
            <option value="sent">{t('status.sent')}</option>
            <option value="retrying">{t('status.retrying')}</option>
            <option value="failed">{t('status.failed')}</option>
          </select>
        </Field>
        <Field id="alertname" label={t('history.alertname')} error={first.error} field="alertname">
          <input {...field('alertname')} />
        </Field>
        <button type="submit">{t('common.apply')}</button>
      </form>
      <LoadState load={first} isEmpty={() => items.length === 0} empty={t('history.empty')} />
      <ul class="history">
        {items.map((record) => (
          <li key={`${record.notificationId}${record.updatedAt}`} class="notification" data-status={record.status}>
            <Time at={record.updatedAt} /> <Badge kind={record.status}>{t(`status.${record.status}`)}</Badge>{' '}
            <span class="receiver">{record.receiver.tenantId === undefined ? record.receiver.name : `${record.receiver.tenantId}/${record.receiver.name}`}</span>{' '}
            <span class="muted">{record.channel}</span> · <span class="alertnames">{record.alertnames.join(', ')}</span> · {t('history.alerts', { count: record.alertCount })} ·{' '}
            {t('history.attempts', { count: record.attempts })}
            {record.httpStatus !== undefined && <span class="muted"> · HTTP {record.httpStatus}</span>}
            {record.reason !== undefined && <p class="reason">{record.reason}</p>}
            {record.message !== undefined && (
              <details>
                <summary>{t('history.message')}</summary>
                <pre>{record.message}</pre>
              </details>
            )}
          </li>
        ))}
      </ul>
      {olderError !== undefined && <ErrorBox error={olderError} />}
      {cursor !== undefined && (
        <button type="button" onClick={() => void loadOlder()}>
          {t('common.more')}
        </button>
      )}
    </section>
  );
}
