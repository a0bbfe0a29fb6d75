import { randomUUID } from 'node:crypto';
import { SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import {
  startLocalFabric,
  type LocalFabric,
  type LocalFabricOptions,
} from '../../../scripts/local-fabric/local-fabric';
import type { EmulatorEndpoints } from '../../../scripts/local-fabric/emulators';

export function sharedEmulators(): EmulatorEndpoints {
  const dynamodb = process.env.FABRIC_TEST_DYNAMODB_ENDPOINT;
  const messaging = process.env.FABRIC_TEST_MESSAGING_ENDPOINT;
  if (!dynamodb || !messaging) throw new Error('integration tests need the emulators started by the jest globalSetup');
  return { dynamodb, messaging };
}

export function uniquePrefix(name: string): string {
  return `t${randomUUID().slice(0, 8)}-${name}`;
}

/** A whole local fabric (API, event sources, triggers) on the shared emulators, isolated by prefix. */
export async function startTestFabric(name: string, options: Partial<LocalFabricOptions> = {}): Promise<LocalFabric> {
  return startLocalFabric({ prefix: uniquePrefix(name), apiPort: 0, emulators: sharedEmulators(), ...options });
}

/**
 * A one-second visibility timeout on these rule queues, so that a record that failed (an event before
 * the step it needs, an ERP that is down) comes back in a second rather than minutes; the redrive
 * policies stay as in AWS.
 */
export async function retryQuickly(fabric: LocalFabric, queues: readonly string[]): Promise<void> {
  for (const queue of queues) {
    await fabric.clients.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: fabric.resources.queues[queue].url,
        Attributes: { VisibilityTimeout: '1' },
      }),
    );
  }
}

/** Polls until `probe` returns a value, or fails the test with `what` after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
