import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';
import type { Session } from './session';
import { formatMoney, type MoneyFigure } from './view/format';

/** What every page is given: who is signed in, where in the page it is (after `#/<page>/`), and how to move. */
export interface PageProps {
  session: Session;
  /** Path segments after the page's own, decoded: `#/orders/ord_1` gives `['ord_1']`. */
  path: readonly string[];
  query: URLSearchParams;
  navigate(to: string): void;
}

/** How often a page reads its figures again while it is open. */
export const REFRESH_MS = 10_000;

export interface Polled<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Reads again now, e.g. after an action changed what the page shows. */
  reload(): void;
}

/**
 * Reads with `load` when the page opens or `deps` change, then every `everyMs` while the tab is
 * visible; the figures shown stay until newer ones arrive, so a refresh never blanks the page.
 */
export function usePolled<T>(load: () => Promise<T>, deps: readonly unknown[], everyMs = REFRESH_MS): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  // The caller's deps decide when `load` changes, as with useEffect.
  const read = useCallback(() => {
    const mine = ++generation.current;
    setLoading(true);
    load().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (mine !== generation.current) return;
        setError(failure);
        setLoading(false);
      },
    );
  }, deps);
  useEffect(() => {
    setData(undefined);
    read();
    if (everyMs <= 0) return undefined;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') read();
    }, everyMs);
    return () => clearInterval(timer);
  }, [read, everyMs]);
  return { data, error, loading, reload: read };
}

/** A failed read or action as the person should read it: the API's message and the fields it names. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  if (error instanceof ApiError)
    return (
      <p role="alert" class="error-note">
        {error.status === 403 ? 'Your group may not do this. ' : ''}
        {error.message}
        {error.errors.length > 0 && (
          <ul>
            {error.errors.map((issue) => (
              <li key={issue.path}>
                <code>{issue.path}</code>: {issue.message}
              </li>
            ))}
          </ul>
        )}
      </p>
    );
  return (
    <p role="alert" class="error-note">
      {error instanceof Error ? error.message : String(error)}
    </p>
  );
}

export function Money({ value }: { value: MoneyFigure | undefined }) {
  return <span class="money">{value ? formatMoney(value) : '-'}</span>;
}

/** A page's heading with when it last read its figures and a button to read them now. */
export function PageHeading({
  title,
  polled,
  children,
}: {
  title: string;
  polled?: Pick<Polled<unknown>, 'loading' | 'reload'>;
  children?: ComponentChildren;
}) {
  return (
    <header class="page-heading">
      <h1>{title}</h1>
      {children}
      {polled && (
        <button type="button" class="secondary outline" aria-busy={polled.loading} onClick={() => polled.reload()}>
          Refresh
        </button>
      )}
    </header>
  );
}

/** Runs an operator's action once at a time, keeping its outcome to show beside the button. */
export function useAction<A extends unknown[], T>(act: (...args: A) => Promise<T>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [result, setResult] = useState<T | undefined>(undefined);
  const run = async (...args: A): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      const value = await act(...args);
      setResult(value);
      return value;
    } catch (failure) {
      setError(failure);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, result };
}
