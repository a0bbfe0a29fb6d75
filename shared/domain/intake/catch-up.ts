import { createEvent } from '#domain/kernel/event';
import { ChannelCatchUpFailing } from './events';
import {
  ConnectorStateConflictError,
  pullOrders,
  type OrderFeed,
  type OrderPullOptions,
  type OrderPullPorts,
  type OrderPullReport,
} from './order-pull';

/** Failed scheduled runs of a connector, counted until a run succeeds (a successful save forgets them). */
export interface PullFailureLog {
  /** Counts one more failed run and returns the spell so far. */
  recordFailure(connector: string, reason: string, at: string): Promise<{ failures: number; failingSince: string }>;
}

export interface CatchUpPorts extends OrderPullPorts {
  failures: PullFailureLog;
}

export interface CatchUpOptions extends OrderPullOptions {
  /** Failed runs in a row after which a person must look (an exception), not before: one failure is a blip. */
  failingAfter: number;
}

export type CatchUpResult =
  | { channel: string; outcome: 'pulled'; report: OrderPullReport }
  /** Another run of the same connector holds the cursor: this one leaves the window to it. */
  | { channel: string; outcome: 'another_run_pulling' }
  | { channel: string; outcome: 'failed'; reason: string; failures: number };

/**
 * One scheduled catch-up of a channel: the pull, and the record of a pull that fails. A failure never
 * throws (one channel's outage must not stop the others' catch-up); the next scheduled run resumes
 * from the saved page. Once `failingAfter` runs in a row have failed, every further failure raises
 * ChannelCatchUpFailing, which the exceptions queue counts on one row per failing spell. A one-off
 * window (`since`) is an operator's request: its failure is theirs to see, so it throws.
 */
export async function catchUpChannel<TPayload>(
  feed: OrderFeed<TPayload>,
  ports: CatchUpPorts,
  options: CatchUpOptions,
): Promise<CatchUpResult> {
  try {
    return { channel: feed.channel, outcome: 'pulled', report: await pullOrders(feed, ports, options) };
  } catch (error) {
    if (options.since) throw error;
    if (error instanceof ConnectorStateConflictError) return { channel: feed.channel, outcome: 'another_run_pulling' };
    const reason = (error as Error).message || String(error);
    const spell = await ports.failures.recordFailure(feed.connector, reason, options.now.toISOString());
    if (spell.failures >= options.failingAfter) {
      await ports.publisher.publish([
        createEvent(
          ChannelCatchUpFailing,
          { channel: feed.channel, connector: feed.connector, ...spell, reason },
          { correlationId: `${feed.connector}#${spell.failingSince}`, causationId: feed.connector },
        ),
      ]);
    }
    return { channel: feed.channel, outcome: 'failed', reason, failures: spell.failures };
  }
}
