import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import type { LocalLambda } from './lambda-invoker';
import { LOCAL_REGION } from './provision';

/**
 * Plays EventBridge Scheduler for a function with a fixed rate. Runs never overlap: a run that
 * outlasts the interval delays the next one, as a connector with a persisted cursor expects.
 * `runNow` lets tests and the ops CLI trigger a run on demand instead of waiting for the timer.
 */
export class LocalSchedule {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly target: LocalLambda,
    private readonly intervalMs: number,
    private readonly log: (message: string, details: Record<string, unknown>) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runNow().catch(() => undefined), this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running.catch(() => undefined);
  }

  /** Invokes the function once with a real scheduled event, after any run already under way; rethrows its failure. */
  runNow(): Promise<void> {
    const run = this.running
      .catch(() => undefined)
      .then(async () => {
        const event: ScheduledEvent = {
          version: '0',
          id: randomUUID(),
          'detail-type': 'Scheduled Event',
          source: 'aws.scheduler',
          account: '000000000000',
          time: new Date().toISOString(),
          region: LOCAL_REGION,
          resources: [`arn:aws:scheduler:${LOCAL_REGION}:000000000000:schedule/default/${this.target.name}`],
          detail: {},
        };
        try {
          await this.target.invoke(event);
        } catch (error) {
          this.log('scheduled invocation failed', { function: this.target.name, error: (error as Error).message });
          throw error;
        }
      });
    this.running = run;
    return run;
  }
}
