import type { RunningEmulators } from '../../scripts/local-fabric/emulators';

export default async function stopSharedEmulators(): Promise<void> {
  await (globalThis as { fabricTestEmulators?: RunningEmulators }).fabricTestEmulators?.stop();
}
