import { startEmulators } from '../../scripts/local-fabric/emulators';

/**
 * DynamoDB Local takes seconds to start, so the integration and e2e projects start it and fauxqs once
 * per run (whichever project sets up first; the other finds them); test files reach them through these
 * variables and isolate themselves with a unique prefix.
 */
export default async function startSharedEmulators(): Promise<void> {
  const shared = globalThis as { fabricTestEmulators?: Awaited<ReturnType<typeof startEmulators>> };
  if (shared.fabricTestEmulators) return;
  const emulators = await startEmulators();
  process.env.FABRIC_TEST_DYNAMODB_ENDPOINT = emulators.endpoints.dynamodb;
  process.env.FABRIC_TEST_MESSAGING_ENDPOINT = emulators.endpoints.messaging;
  shared.fabricTestEmulators = emulators;
}
