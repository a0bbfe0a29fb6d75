/** One request a channel client sent, as the channel would receive it. */
export interface SentRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string;
}

/** A fetch that keeps every request in `sent` and then sends it, so a test can read a client's requests. */
export function recordingFetch(sent: SentRequest[]): typeof fetch {
  return async (input, init) => {
    sent.push({
      method: init?.method ?? 'GET',
      url: new URL(String(input)),
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: String(init?.body ?? ''),
    });
    return fetch(input, init);
  };
}
