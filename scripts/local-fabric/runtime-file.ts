import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EmulatorEndpoints } from './emulators';
import { isRunning } from './data-dir-claim';
import type { LocalResources } from './provision';

/**
 * Where `npm start` keeps the local fabric's state, and where a running one tells other commands
 * (ops, simulate, bench) how to reach it: `.fabric/`, or FABRIC_DATA_DIR.
 */
export const FABRIC_DIR = path.resolve(process.env.FABRIC_DATA_DIR || path.join(__dirname, '..', '..', '.fabric'));
const RUNTIME_FILE = path.join(FABRIC_DIR, 'runtime.json');

export interface RuntimeDescription {
  pid: number;
  apiUrl: string;
  endpoints: EmulatorEndpoints;
  resources: LocalResources;
}

export function writeRuntimeDescription(description: RuntimeDescription): void {
  mkdirSync(FABRIC_DIR, { recursive: true });
  writeFileSync(RUNTIME_FILE, `${JSON.stringify(description, null, 2)}\n`);
}

export function removeRuntimeDescription(): void {
  rmSync(RUNTIME_FILE, { force: true });
}

/** The running local fabric, or a clear error telling the user to start it. */
export function readRuntimeDescription(): RuntimeDescription {
  let description: RuntimeDescription;
  try {
    description = JSON.parse(readFileSync(RUNTIME_FILE, 'utf8')) as RuntimeDescription;
  } catch {
    throw new Error('the local fabric is not running: start it with `npm start` in another terminal');
  }
  if (!isRunning(description.pid)) {
    throw new Error(
      `the local fabric recorded in ${RUNTIME_FILE} (pid ${description.pid}) is gone: start it with \`npm start\``,
    );
  }
  return description;
}
