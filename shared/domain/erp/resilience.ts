import { setTimeout as pauseFor } from 'node:timers/promises';
import { ErpCircuitOpenError, ErpOutcomeUnknownError, ErpTransientError } from './model';
import { TransientError } from '#domain/kernel/errors';

export interface BackoffPolicy {
  /** Attempts within one invocation, the first included; then the message goes back to its queue. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Exponential backoff with full jitter (a uniformly random wait up to base x 2^attempt, capped), so
 * retries from many containers spread out instead of hitting a recovering ERP together. A Retry-After
 * the ERP sent is a floor: we never come back sooner than it asked. `attempt` counts from 0.
 */
export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterMs);
}

/**
 * Runs `call` until it succeeds, fails with anything but ErpTransientError, or has used
 * `maxAttempts`; a wait longer than `maxDelayMs` (a long Retry-After) is not waited out here but
 * handed back to the queue at once. Each transient failure is reported to `onTransientFailure`
 * (the circuit breaker), and `beforeAttempt` may refuse an attempt (the breaker opened meanwhile).
 * A write whose outcome is unknown (ErpOutcomeUnknownError) is counted but not tried again here: the
 * ERP may still commit it, and only a look-up once it no longer can says whether to send it again.
 */
export async function withBackoff<T>(
  call: () => Promise<T>,
  policy: BackoffPolicy,
  hooks: {
    sleep?: (ms: number) => Promise<void>;
    random?: () => number;
    beforeAttempt?: () => Promise<void>;
    onTransientFailure?: (error: ErpTransientError) => Promise<void>;
  } = {},
): Promise<T> {
  const sleep = hooks.sleep ?? pauseFor;
  for (let attempt = 0; ; attempt += 1) {
    await hooks.beforeAttempt?.();
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ErpTransientError)) throw error;
      await hooks.onTransientFailure?.(error);
      if (error instanceof ErpOutcomeUnknownError || attempt + 1 >= policy.maxAttempts) throw error;
      const wait = backoffDelayMs(attempt, policy, error.retryAfterMs, hooks.random);
      if (wait > policy.maxDelayMs) throw error;
      await sleep(wait);
    }
  }
}

export type BreakerStatus = 'closed' | 'open' | 'half_open';

/** The breaker as stored, shared by every container calling the ERP. */
export interface BreakerState {
  status: BreakerStatus;
  consecutiveFailures: number;
  /** Epoch ms the breaker (last) opened. */
  openedAt?: number;
  /** Epoch ms a half-open probe was let through. */
  probeStartedAt?: number;
  /** Optimistic version: 0 before the first write. */
  version: number;
}

export interface BreakerPolicy {
  /** Consecutive transient failures, across all containers, that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker refuses calls before letting one probe through. */
  coolDownMs: number;
  /**
   * How long a container trusts a closed, clean breaker it read or wrote, before reading it again to
   * admit a call; 0 reads it for every call. A breaker another container opened then stops this one
   * that much later, at most: a few calls more into a failing ERP, against a consistent read per call
   * saved all day.
   */
  closedViewMs?: number;
}

export const CLOSED_BREAKER: BreakerState = { status: 'closed', consecutiveFailures: 0, version: 0 };

export type Admission = { admitted: true; next?: BreakerState } | { admitted: false; retryInMs: number };

/**
 * Whether a call may go to the ERP now. Closed: yes. Open: no until the cool-down has passed, then one
 * caller becomes the half-open probe (`next` must be written, and only the writer that wins the
 * version race probes). Half-open: no for everyone else, unless the probe has been silent for a whole
 * cool-down (its container died), in which case another probe is let through.
 */
export function admit(state: BreakerState, now: number, policy: BreakerPolicy): Admission {
  if (state.status === 'closed') return { admitted: true };
  const since = state.status === 'open' ? (state.openedAt ?? 0) : (state.probeStartedAt ?? 0);
  const waited = now - since;
  if (waited < policy.coolDownMs) return { admitted: false, retryInMs: policy.coolDownMs - waited };
  return { admitted: true, next: { ...state, status: 'half_open', probeStartedAt: now, version: state.version + 1 } };
}

/** A success closes the breaker; undefined when there is nothing to write (already closed and clean). */
export function afterSuccess(state: BreakerState): BreakerState | undefined {
  if (state.status === 'closed' && state.consecutiveFailures === 0) return undefined;
  return { status: 'closed', consecutiveFailures: 0, version: state.version + 1 };
}

/** A transient failure counts; the threshold (or any failed probe) opens the breaker from now. */
export function afterFailure(state: BreakerState, now: number, policy: BreakerPolicy): BreakerState {
  const consecutiveFailures = state.consecutiveFailures + 1;
  const opens =
    state.status === 'half_open' || (state.status === 'closed' && consecutiveFailures >= policy.failureThreshold);
  if (opens) return { status: 'open', consecutiveFailures, openedAt: now, version: state.version + 1 };
  return { ...state, consecutiveFailures, version: state.version + 1 };
}

export class BreakerConflictError extends TransientError {
  override name = 'BreakerConflictError';
}

export interface BreakerStore {
  load(name: string): Promise<BreakerState>;
  /** Writes `next` only if the stored version is still `next.version - 1`; else BreakerConflictError. */
  save(name: string, next: BreakerState): Promise<void>;
}

/** Writes a breaker update tries before it gives up (the record then retries from its queue). */
const BREAKER_RACES = 5;
/** The longest pause after the first lost race; each later one may be twice as long. */
export const BREAKER_RACE_PAUSE_MS = 10;

/**
 * A circuit breaker whose state lives in a store shared by every concurrent container, so the whole
 * fleet stops calling a down ERP, not just the container that noticed. Writes are optimistic; a lost
 * race re-reads and re-applies, a few times, so no failure or success is lost to a race.
 */
export class SharedCircuitBreaker {
  /** The breaker as this container last read or wrote it, and when. */
  private lastSeen: { state: BreakerState; at: number } | undefined;

  constructor(
    private readonly store: BreakerStore,
    readonly name: string,
    readonly policy: BreakerPolicy,
    private readonly now: () => number = Date.now,
    private readonly onChange: (state: BreakerState) => void = () => undefined,
    private readonly pause: (ms: number) => Promise<void> = pauseFor,
  ) {}

  /** Throws ErpCircuitOpenError while the breaker refuses calls; else returns the breaker as it admitted the call. */
  async ensureAdmitted(): Promise<BreakerState> {
    const seen = this.lastSeen;
    if (seen && !afterSuccess(seen.state) && this.now() - seen.at < (this.policy.closedViewMs ?? 0)) return seen.state;
    return this.update((state) => {
      const admission = admit(state, this.now(), this.policy);
      if (!admission.admitted) throw new ErpCircuitOpenError(admission.retryInMs);
      return admission.next;
    });
  }

  /**
   * A call was answered. Given the breaker as it admitted the call, closed and clean, there is nothing
   * to write and nothing is read: the success counts as of its admission, so a failure another
   * container recorded meanwhile stands, as it would had the two calls been a moment apart. That spares
   * a consistent read per ERP call in the steady state, the breaker's whole cost then.
   */
  async recordSuccess(admittedAs?: BreakerState): Promise<void> {
    if (admittedAs && !afterSuccess(admittedAs)) return;
    await this.update((state) => afterSuccess(state));
  }

  async recordFailure(): Promise<void> {
    await this.update((state) => afterFailure(state, this.now(), this.policy));
  }

  state(): Promise<BreakerState> {
    return this.store.load(this.name);
  }

  /** Applies `change` to the stored breaker and returns the breaker as it then stands. */
  private async update(change: (state: BreakerState) => BreakerState | undefined): Promise<BreakerState> {
    for (let race = 0; ; race += 1) {
      const state = await this.store.load(this.name);
      this.lastSeen = { state, at: this.now() };
      const next = change(state);
      if (!next) return state;
      try {
        await this.store.save(this.name, next);
        this.lastSeen = { state: next, at: this.now() };
        this.onChange(next);
        return next;
      } catch (error) {
        if (!(error instanceof BreakerConflictError) || race >= BREAKER_RACES - 1) throw error;
        // When the ERP goes down, every container records its failure at once: re-reading at once
        // meets the same crowd, and lost five races in a row in the simulated outage. A random
        // pause, doubling per lost race, spreads them out.
        await this.pause(Math.random() * BREAKER_RACE_PAUSE_MS * 2 ** race);
      }
    }
  }
}
