import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { startLocalFabric, type LocalFabric } from './local-fabric/local-fabric';
import { HelpRequested, UsageError, defineCommand, parseCommand, switchFlag } from './ops/command-line';
import { FABRIC_DIR, removeRuntimeDescription, writeRuntimeDescription } from './local-fabric/runtime-file';
import { CONSOLE_PATH } from './local-fabric/console-site';
import { buildConsole } from './console/build-console';

const startCommand = defineCommand({
  program: 'npm start --',
  name: '',
  summary:
    'The fabric on this machine, kept in .fabric/ (or FABRIC_DATA_DIR): --reset starts clean, --sample sends the sample traffic again, --verbose prints the function logs too.',
  flags: { reset: switchFlag(), sample: switchFlag(), verbose: switchFlag() },
});

/** What the person at the terminal reads; everything the functions log goes to the log file instead. */
const terminal = process.stdout.write.bind(process.stdout);
const terminalErrors = process.stderr.write.bind(process.stderr);
/** A path as the user would type it from here. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative || '.';
}

function say(line = ''): void {
  try {
    terminal(`${line}\n`);
  } catch {
    // the terminal is gone (closed window, closed pipe): stopping goes on without it
  }
}
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

/**
 * `npm start`: the fabric on this machine, kept in `.fabric/` (or FABRIC_DATA_DIR) between runs.
 * A new data directory gets the sample shop and its traffic; a restart keeps the shop as it was.
 */
async function main(): Promise<void> {
  let flags: { reset: boolean; sample: boolean; verbose: boolean };
  try {
    ({ flags } = parseCommand(startCommand, process.argv.slice(2)));
  } catch (error) {
    if (error instanceof HelpRequested) {
      say(error.help);
      process.exit(0);
    }
    if (!(error instanceof UsageError)) throw error;
    terminalErrors(`${error.message}\nusage: ${error.usage}\n`);
    process.exit(2);
  }
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    throw new Error('DynamoDB Local needs Java 17 or newer on the PATH (Debian: apt-get install default-jre-headless)');
  }
  const logFile = path.join(FABRIC_DIR, 'logs', 'functions.log');
  sendLogsTo(logFile, flags.verbose);

  const started = Date.now();
  // Built on every start (well under a second), so the page served is always this checkout's.
  await buildConsole();
  say(
    `Starting the retail integration fabric in ${shown(FABRIC_DIR)}${flags.reset ? ' (reset: starting clean)' : ''}...`,
  );
  const fabric = await startLocalFabric({
    dataDir: FABRIC_DIR,
    resetData: flags.reset,
    log: (message, details) =>
      console.log(JSON.stringify({ level: 'INFO', service: 'local-runtime', message, ...details })),
  });
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping the local fabric (finishing what is under way)...`);
    await fabric.stop();
    removeRuntimeDescription();
    say('Stopped. Everything is kept for the next `npm start`.');
    process.exit(0);
  };
  // A closed terminal (SIGHUP) stops it as cleanly as Ctrl-C.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));
  writeRuntimeDescription({
    pid: process.pid,
    apiUrl: fabric.apiUrl,
    endpoints: fabric.endpoints,
    resources: fabric.resources,
  });
  describe(fabric, (Date.now() - started) / 1000, logFile, flags.verbose);

  if (fabric.dataDir?.fresh || flags.sample) {
    say(
      fabric.dataDir?.fresh
        ? '\nA new shop: counting the sample shelves and sending sample orders...'
        : '\nSending the sample traffic again (--sample)...',
    );
    // Loaded only now: the adapters it uses read their configuration when first loaded, and the
    // runtime has just set it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { sendSampleTraffic } = require('./sample/sample-traffic') as typeof import('./sample/sample-traffic');
    await sendSampleTraffic(fabric.apiUrl, (line) => say(`  ${line}`), fabric.channelApis);
  } else {
    say(
      '\nThe shop is as the last run left it (no sample traffic: `npm start -- --sample` sends it, `-- --reset` starts clean).',
    );
  }
  say(
    `\nReady: open ${fabric.apiUrl}${CONSOLE_PATH} for the ops console. Try the examples in docs/local-runtime.md; \`npm run ops -- help\` for operations; Ctrl-C stops it.`,
  );
}

function describe(fabric: LocalFabric, seconds: number, logFile: string, verbose: boolean): void {
  say(`Up in ${seconds.toFixed(1)} s.`);
  if (fabric.dataDir?.crashedOwner) {
    const { pid, startedAt } = fabric.dataDir.crashedOwner;
    say(
      `  The last run (pid ${pid}, started ${startedAt}) ended without stopping: what it left unfinished resumes now.`,
    );
  }
  say(`  ops console               ${fabric.apiUrl}${CONSOLE_PATH}  (sign in as dev-operator or dev-viewer)`);
  say(`  API (API Gateway, local)  ${fabric.apiUrl}   health: ${fabric.apiUrl}/health`);
  say(`  DynamoDB Local            ${fabric.endpoints.dynamodb}`);
  say(`  SQS, SNS and S3 (fauxqs)  ${fabric.endpoints.messaging}`);
  const erpUrl = process.env.FABRIC_ERP_API_URL;
  say(`  ERP (Business Central)    ${erpUrl}${erpUrl === fabric.erp.apiRoot ? ' (local simulator)' : ''}`);
  say(`  kept in                   ${shown(FABRIC_DIR)} (tables, queues, objects, ERP documents, channels' orders)`);
  say(`  function logs             ${shown(logFile)}${verbose ? ' and here' : ' (--verbose shows them here too)'}`);
  if (fabric.developmentSecrets.length) {
    say(
      `  webhook secrets           development defaults for ${fabric.developmentSecrets.join(', ')} (FABRIC_SECRET_<CHANNEL> overrides)`,
    );
  }
}

/**
 * Handlers log JSON lines to stdout and stderr, as in Lambda: here they go to a file, and to the
 * terminal as well only when asked.
 */
function sendLogsTo(logFile: string, alsoToTerminal: boolean): void {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const file = createWriteStream(logFile, { flags: 'a' });
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      file.write(chunk);
      if (alsoToTerminal)
        return (original as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean)(chunk, ...rest);
      const callback = rest.find((argument) => typeof argument === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
  }
}

main().catch((error) => {
  try {
    terminalErrors(`npm start failed: ${(error as Error).message}\n`);
  } catch {
    // nobody to tell
  }
  process.exit(1);
});
