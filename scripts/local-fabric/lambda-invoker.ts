import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Context } from 'aws-lambda';
import type { FunctionDefinition } from '#shared/config/topology';
import { LOCAL_REGION } from './provision';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export class FunctionTimeoutError extends Error {
  override name = 'FunctionTimeoutError';
}

/**
 * Invokes a function's real handler module the way Lambda does: a fresh context per invocation with
 * a deadline, and the function's own timeout enforced. Modules are loaded once (a warm container),
 * after the runtime has set the environment their config reads at cold start. Unlike Lambda, which
 * gives each concurrent invocation its own environment, concurrent invocations here share the module:
 * a handler must keep nothing of one invocation in module scope (see queueConsumer's processor).
 */
export class LocalLambda {
  private handler: Handler | undefined;

  constructor(
    readonly name: string,
    private readonly definition: FunctionDefinition,
    private readonly root: string,
  ) {}

  get timeoutSeconds(): number {
    return this.definition.timeoutSeconds;
  }

  async invoke(event: unknown): Promise<unknown> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.handler ??= (require(path.resolve(this.root, this.definition.entry)) as { handler: Handler }).handler;
    const deadline = Date.now() + this.definition.timeoutSeconds * 1000;
    const context: Context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: this.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:000000000000:function:${this.name}`,
      memoryLimitInMB: String(this.definition.memoryMb),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${this.name}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FunctionTimeoutError(`${this.name} timed out after ${this.definition.timeoutSeconds}s`)),
        this.definition.timeoutSeconds * 1000,
      );
    });
    try {
      return await Promise.race([this.handler(event, context), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
