import { startEmulators } from '../../scripts/local-fabric/emulators';

/**
 * DynamoDB Local takes seconds to start, so the integration project starts it and fauxqs once per
 * run; test files reach them through these variables and isolate themselves with a unique prefix.
 */
export default async function startSharedEmulators(): Promise<void> {
  const emulators = await startEmulators();
  process.env.FABRIC_TEST_DYNAMODB_ENDPOINT = emulators.endpoints.dynamodb;
  process.env.FABRIC_TEST_MESSAGING_ENDPOINT = emulators.endpoints.messaging;
  (globalThis as { fabricTestEmulators?: typeof emulators }).fabricTestEmulators = emulators;
}
