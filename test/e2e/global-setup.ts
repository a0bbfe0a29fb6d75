import startSharedEmulators from '../integration/emulators.global-setup';
import { buildConsole } from '../../scripts/console/build-console';

/** The browser tests open the console a local fabric serves: the emulators once per run, as for the integration tests, and this checkout's console built once. */
export default async function setUpConsoleTests(): Promise<void> {
  await Promise.all([startSharedEmulators(), buildConsole()]);
}
