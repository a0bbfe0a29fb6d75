import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EmulatorEndpoints } from './emulators';
import type { LocalResources } from './provision';

/** Where a running `npm start` tells other commands (ops, simulate, bench) how to reach it. */
export const FABRIC_DIR = path.resolve(__dirname, '..', '..', '.fabric');
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
  try {
    process.kill(description.pid, 0);
  } catch {
    throw new Error(`the local fabric recorded in ${RUNTIME_FILE} (pid ${description.pid}) is gone: start it with \`npm start\``);
  }
  return description;
}
