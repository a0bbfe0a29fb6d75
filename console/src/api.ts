import type { Session } from './session';

/** What the API said when it refused: its status, its message and the fields it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = { message: text };
  }
  if (!response.ok) {
    const { message, errors } = (body ?? {}) as { message?: string; errors?: { path: string; message: string }[] };
    throw new ApiError(response.status, message ?? `the API answered ${response.status}`, errors);
  }
  return body as T;
}

function withQuery(path: string, query: Record<string, string | number | undefined> = {}): string {
  const defined = Object.entries(query).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  if (defined.length === 0) return path;
  return `${path}?${new URLSearchParams(defined.map(([name, value]) => [name, String(value)]))}`;
}

/** Reads what the CLI reads, from the same API routes. */
export function apiGet<T>(
  session: Session,
  path: string,
  query?: Record<string, string | number | undefined>,
): Promise<T> {
  return session.call(withQuery(path, query)).then((response) => answer<T>(response));
}

/** An operator's action, audited by the API with the signed-in user. */
export function apiPost<T>(session: Session, path: string, body: unknown = {}): Promise<T> {
  return session
    .call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    .then((response) => answer<T>(response));
}

/** A path segment as the API expects it: ids may hold any character. */
export function segment(id: string): string {
  return encodeURIComponent(id);
}
