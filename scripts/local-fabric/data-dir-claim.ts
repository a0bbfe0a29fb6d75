import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { emulatorDataDirs } from './emulators';

const LOCK_FILE = 'fabric.lock';

interface LockHolder {
  pid: number;
  startedAt: string;
}

export interface DataDirClaim {
  /** The process that held the directory last and died without letting go of it. */
  crashedOwner?: LockHolder;
  /** Nothing is kept here yet: the shop is new. */
  isNew(): boolean;
  /** Removes everything kept here (the directory stays ours). */
  clear(): void;
  /** Lets go of the directory, if this process still holds it. */
  release(): void;
}

/**
 * Makes this process the only local fabric using `dataDir`: two runtimes on one DynamoDB Local data
 * file and one fauxqs database would each consume and overwrite the other's work. A lock left by a
 * process that no longer runs is taken over (and reported, since that run did not stop cleanly).
 * Only the holder may clear it: never while another fabric uses it.
 */
export function claimDataDir(dataDir: string): DataDirClaim {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, LOCK_FILE);
  let crashedOwner: LockHolder | undefined;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(
        fd,
        `${JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() } satisfies LockHolder)}\n`,
      );
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(lockFile);
    if (holder && isRunning(holder.pid)) {
      throw new Error(
        `another local fabric (pid ${holder.pid}, started ${holder.startedAt}) is using ${dataDir}: stop it first (Ctrl-C in its terminal, or kill ${holder.pid})`,
      );
    }
    crashedOwner = holder;
    rmSync(lockFile, { force: true });
  }
  return {
    ...(crashedOwner ? { crashedOwner } : {}),
    isNew: () => !existsSync(emulatorDataDirs(dataDir).dynamodb),
    clear() {
      for (const entry of readdirSync(dataDir))
        if (entry !== LOCK_FILE) rmSync(path.join(dataDir, entry), { recursive: true, force: true });
    },
    release() {
      if (readHolder(lockFile)?.pid === process.pid) rmSync(lockFile, { force: true });
    },
  };
}

function readHolder(lockFile: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(lockFile, 'utf8')) as LockHolder;
  } catch {
    return undefined; // half written by a process killed at that instant: nobody holds it
  }
}

/** Whether `pid` is a live process (a zombie, dead but not yet reaped, is not). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // Linux only; elsewhere the signal check above has to do.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return process.platform !== 'linux'; // gone in between, on Linux
  }
}
