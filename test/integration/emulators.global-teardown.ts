import type { RunningEmulators } from '../../scripts/local-fabric/emulators';

/** Stops the shared emulators once, whichever project's teardown runs first. */
export default async function stopSharedEmulators(): Promise<void> {
  const shared = globalThis as { fabricTestEmulators?: RunningEmulators };
  const emulators = shared.fabricTestEmulators;
  shared.fabricTestEmulators = undefined;
  await emulators?.stop();
}
