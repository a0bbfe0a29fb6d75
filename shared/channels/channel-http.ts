import { setTimeout as pause } from 'node:timers/promises';
import type { SalesChannel } from '#domain/kernel/order';
import { parseJsonExactly } from '#domain/kernel/exact-json';

/**
 * A token bucket as the channels themselves describe their limits (SP-API's usage plans are exactly
 * this: a rate of tokens per second and a burst): `take` waits for a token instead of sending a request
 * the channel would refuse. Per process, so in Lambda it is per container; the queue's maxConcurrency
 * bounds how many containers share the channel's budget, and 429 handling covers the rest.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = pause,
  ) {
    this.tokens = burst;
    this.updatedAt = now();
  }

  /** Resolves once a token is available and taken; ordered only as far as the event loop orders callers. */
  async take(): Promise<void> {
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000));
    }
  }

  /** Empties the bucket, as a 429 says the channel's own bucket is empty whatever ours believed. */
  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond);
    this.updatedAt = now;
  }
}

export class ChannelApiError extends Error {
  override name = 'ChannelApiError';
  constructor(
    readonly channel: SalesChannel,
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** The channel kept answering 429 beyond what one invocation may wait; the message is retried later by its queue. */
export class ChannelRateLimitedError extends ChannelApiError {
  override name = 'ChannelRateLimitedError';
  constructor(
    channel: SalesChannel,
    readonly retryAfterMs: number,
    body?: unknown,
  ) {
    super(channel, 429, `${channel} API is rate limiting this client; retry after ${retryAfterMs} ms`, body);
  }
}

export interface ChannelHttpOptions {
  channel: SalesChannel;
  /** An in-process TokenBucket, or a bucket shared between containers (shared/adapters/publication-ledger.ts). */
  bucket?: { take(): Promise<void>; drain(): void | Promise<void> };
  /** 429 answers retried within one call before giving up with ChannelRateLimitedError. */
  maxRateLimitRetries?: number;
  /** The longest single wait a Retry-After may impose within one call. */
  maxWaitMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Sends one JSON request to a channel API through the bucket. A 429 drains the bucket and waits the
 * channel's Retry-After (seconds or an HTTP date; 1 s, doubling, when absent) before retrying, up to
 * `maxRateLimitRetries` times and `maxWaitMs` per wait; then throws ChannelRateLimitedError. Any other
 * non-2xx throws ChannelApiError with the status and parsed body. Returns the parsed JSON body.
 */
export async function channelRequest<T = unknown>(
  url: string,
  init: RequestInit,
  options: ChannelHttpOptions,
): Promise<T> {
  const send = options.fetch ?? fetch;
  const sleep = options.sleep ?? pause;
  const maxRetries = options.maxRateLimitRetries ?? 3;
  const maxWaitMs = options.maxWaitMs ?? 5000;
  for (let attempt = 0; ; attempt += 1) {
    await options.bucket?.take();
    const response = await send(url, { ...init, signal: init.signal ?? AbortSignal.timeout(10_000) });
    const text = await response.text();
    const body = text ? parseJson(text) : undefined;
    if (response.ok) return body as T;
    if (response.status === 429) {
      await options.bucket?.drain();
      const waitMs = retryAfterMs(response.headers.get('retry-after')) ?? 1000 * 2 ** attempt;
      if (attempt >= maxRetries || waitMs > maxWaitMs) throw new ChannelRateLimitedError(options.channel, waitMs, body);
      await sleep(waitMs);
      continue;
    }
    throw new ChannelApiError(
      options.channel,
      response.status,
      `${options.channel} API answered ${response.status} to ${init.method ?? 'GET'} ${new URL(url).pathname}`,
      body,
    );
  }
}

/** Retry-After as delay-seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Ids above 2^53 (Shopify's, and any store's that grows) come back as their digits, not a rounded number. */
function parseJson(text: string): unknown {
  try {
    return parseJsonExactly(text);
  } catch {
    return text;
  }
}

/**
 * An OAuth-style access token kept until shortly before it expires, so a warm container asks the
 * channel's token endpoint once an hour rather than once a request.
 */
export class CachedAccessToken {
  private token: { value: string; expiresAt: number } | undefined;

  constructor(
    private readonly fetchToken: () => Promise<{ accessToken: string; expiresInSeconds: number }>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    if (this.token && this.token.expiresAt > this.now()) return this.token.value;
    const fresh = await this.fetchToken();
    // A minute of margin, so a token never expires between being read and being used.
    this.token = { value: fresh.accessToken, expiresAt: this.now() + Math.max(0, fresh.expiresInSeconds - 60) * 1000 };
    return fresh.accessToken;
  }

  /** Forgets the token, e.g. after the API refused it as expired or revoked. */
  clear(): void {
    this.token = undefined;
  }
}
