import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { useI18n } from './i18n.js';
import type { LabelSet, Page } from './types.js';

/** A time in the browser's zone and language, with UTC on hover. */
export function Time({ at }: { at: string | undefined }) {
  const { language } = useI18n();
  if (at === undefined || at === '') return <span>–</span>;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return <span>{at}</span>;
  const local = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'medium' }).format(date);
  const utc = `${date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`;
  return (
    <time dateTime={date.toISOString()} title={utc}>
      {local}
    </time>
  );
}

/** Labels as `name="value"` chips; every value is text. */
export function Labels({ labels, omit = [] }: { labels: LabelSet; omit?: readonly string[] }) {
  const names = Object.keys(labels)
    .filter((name) => !omit.includes(name))
    .sort();
  return (
    <ul class="labels">
      {names.map((name) => (
        <li key={name} class="label">
          <span class="label-name">{name}</span>=<span class="label-value">{`"${labels[name]}"`}</span>
        </li>
      ))}
    </ul>
  );
}

/** A name/value table (labels, annotations). */
export function PairsTable({ pairs, caption }: { pairs: LabelSet; caption: string }) {
  const names = Object.keys(pairs).sort();
  return (
    <table class="pairs">
      <caption>{caption}</caption>
      <tbody>
        {names.map((name) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td>{pairs[name]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  const { t } = useI18n();
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p class="error" role="alert">
      {t('common.error', { message })}
    </p>
  );
}

/** Messages the API gave about one field, shown next to it. */
export function FieldErrors({ error, field, id }: { error: unknown; field: string; id?: string }) {
  if (!(error instanceof ApiError)) return null;
  const messages = error.about(field);
  if (messages.length === 0) return null;
  return (
    <p class="field-error" role="alert" id={id}>
      {messages.join('; ')}
    </p>
  );
}

export function Badge({ kind, children }: { kind: string; children: ComponentChildren }) {
  return <span class={`badge badge-${kind}`}>{children}</span>;
}

/** What an async load is at: loading, failed, or its value. `reload` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { value?: T; error?: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ value?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (value) => current && setState({ value, loading: false }),
      (error: unknown) => current && setState({ error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, round]); // the caller names what the load depends on
  // Stable, so a page may keep it in an effect (auto-refresh) without restarting its timer at every render.
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}

/**
 * A labelled form field: the label names the control, the help and the API's
 * messages about the field describe it (so a screen reader reads both).
 * The child control takes `id` and `aria-describedby` from `describedBy(id)`.
 */
export function Field({ id, label, help, error, field, class: className = 'field', children }: { id: string; label: string; help?: string; error?: unknown; field?: string; class?: string | undefined; children: ComponentChildren }) {
  return (
    <div class={className}>
      <label for={id}>{label}</label>
      {children}
      {help !== undefined && <small id={`${id}-help`}>{help}</small>}
      {field !== undefined && <FieldErrors error={error} field={field} id={`${id}-error`} />}
    </div>
  );
}

/** The ids of a field's help and error texts. */
export function describedBy(id: string): string {
  return `${id}-help ${id}-error`;
}

/**
 * The state of a list's load: loading (the first time), its error, or that it
 * is empty. The page renders the items itself.
 */
export function LoadState<T>({ load, isEmpty, empty }: { load: { value?: T; error?: unknown; loading: boolean }; isEmpty: (value: T) => boolean; empty: string }) {
  const { t } = useI18n();
  if (load.error !== undefined) return <ErrorBox error={load.error} />;
  if (load.value === undefined) return load.loading ? <p aria-busy="true">{t('common.loading')}</p> : null;
  return isEmpty(load.value) ? <p class="empty">{empty}</p> : null;
}

/**
 * A form's refusal where no field shows it: the error itself when the API
 * named no field, and each message about a field the form has no place for.
 */
export function FormProblems({ error, shown }: { error: unknown; shown: readonly string[] }) {
  if (error === undefined) return null;
  const unshown = error instanceof ApiError ? error.otherThan(shown) : [];
  return (
    <>
      {(!(error instanceof ApiError) || error.issues.length === 0) && <ErrorBox error={error} />}
      {unshown.map((issue) => (
        <p class="field-error" role="alert" key={issue.field}>{`${issue.field}: ${issue.message}`}</p>
      ))}
    </>
  );
}

/** A form's submission: busy while it runs, and the error it ended with (cleared when it starts again). */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = async (action: () => Promise<void>) => {
    setError(undefined);
    setBusy(true);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

/** A refusal of the console's own, about one field, shown as the API's are. */
export function fieldError(field: string, message: string): ApiError {
  return new ApiError(400, message, [{ field, message }]);
}

/**
 * A paged list: the first page, then each next one appended by `more` while
 * the API answers a cursor. `reload` starts again from the first page.
 */
export function usePaged<T>(loadPage: (cursor: string | undefined) => Promise<Page<T>>, deps: unknown[]) {
  const first = useLoad(() => loadPage(undefined), deps);
  // `started`: a later page was asked for, so its cursor (or none, at the end) is the next one, not the first page's.
  type Later = { items: T[]; started: boolean; next?: string | undefined; error?: unknown; loading: boolean };
  const [later, setLater] = useState<Later>({ items: [], started: false, loading: false });
  useEffect(() => setLater({ items: [], started: false, loading: false }), [first.value]);
  const next = later.started ? later.next : first.value?.cursor;
  const more = () => {
    if (next === undefined || later.loading) return;
    setLater((previous) => ({ ...previous, loading: true }));
    loadPage(next).then(
      (page) => setLater((previous) => ({ items: [...previous.items, ...page.items], started: true, next: page.cursor, loading: false })),
      (error: unknown) => setLater((previous) => ({ ...previous, error, loading: false })),
    );
  };
  return {
    items: [...(first.value?.items ?? []), ...later.items],
    first,
    // Not while the first page reloads: its cursor is about to change.
    hasMore: !first.loading && next !== undefined,
    loadingMore: later.loading,
    error: first.error ?? later.error,
    more,
    reload: first.reload,
  };
}

/** A list row's Edit button and, when it can be deleted, its Delete button. */
export function RowActions({ onEdit, onDelete, busy = false }: { onEdit: () => void; onDelete?: () => void; busy?: boolean }) {
  const { t } = useI18n();
  return (
    <>
      <button type="button" onClick={onEdit}>
        {t('common.edit')}
      </button>
      {onDelete !== undefined && (
        <>
          {' '}
          <button type="button" disabled={busy} onClick={onDelete}>
            {t('common.delete')}
          </button>
        </>
      )}
    </>
  );
}

/**
 * Below a list: the button that starts a new object, or, while one is being
 * written (`'new'`) or edited, a card with its form (`form` is given the object edited, or undefined for a new one).
 */
export function EditorCard<T>({
  editing,
  newLabel,
  editTitle,
  onNew,
  form,
}: {
  editing: T | 'new' | undefined;
  newLabel: string;
  editTitle: (item: T) => string;
  onNew: () => void;
  form: (item: T | undefined) => ComponentChildren;
}) {
  if (editing === undefined) {
    return (
      <button type="button" onClick={onNew}>
        {newLabel}
      </button>
    );
  }
  return (
    <section class="card">
      <h3>{editing === 'new' ? newLabel : editTitle(editing)}</h3>
      {form(editing === 'new' ? undefined : editing)}
    </section>
  );
}
