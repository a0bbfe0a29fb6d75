import { configureHandlerEnvironment } from './local-fabric/local-fabric';
import { readRuntimeDescription } from './local-fabric/runtime-file';
import { localClients, type LocalClients } from './local-fabric/provision';
import { awsFabric, type OpsResources } from './ops/aws-fabric';
import {
  HelpRequested,
  parseCommand,
  runCommandLine,
  synopsisOf,
  usageOf,
  UsageError,
  type Command,
} from './ops/command-line';
import { opsCommands, type OpsCommandKey } from './ops/commands';

type Fabric = { resources: OpsResources; clients: LocalClients };

/* eslint-disable @typescript-eslint/no-require-imports */
// Each command's module loads only once the environment is set: the adapters it uses read it when first loaded.
const run: Record<OpsCommandKey, (fabric: Fabric, args: string[]) => Promise<unknown>> = {
  xrefMapSku: ({ resources }, args) => (require('./ops/xref') as typeof import('./ops/xref')).mapSku(resources, args),
  xrefList: ({ resources }, args) => (require('./ops/xref') as typeof import('./ops/xref')).listSkus(resources, args),
  orderShow: ({ resources }, args) =>
    (require('./ops/order') as typeof import('./ops/order')).showOrder(resources, args),
  orderTrace: ({ resources }, args) =>
    (require('./ops/order') as typeof import('./ops/order')).traceOrder(resources, args),
  replay: ({ resources }, args) => (require('./ops/replay') as typeof import('./ops/replay')).replay(resources, args),
  dlqList: ({ resources, clients }) =>
    (require('./ops/dlq') as typeof import('./ops/dlq')).listDeadLetterQueues(resources, clients),
  dlqPeek: ({ resources, clients }, args) =>
    (require('./ops/dlq') as typeof import('./ops/dlq')).peek(resources, clients, args),
  dlqRedrive: ({ resources, clients }, args) =>
    (require('./ops/dlq') as typeof import('./ops/dlq')).redrive(resources, clients, args),
  inventoryShow: ({ resources }, args) =>
    (require('./ops/inventory') as typeof import('./ops/inventory')).show(resources, args),
  inventoryVerify: ({ resources }) =>
    (require('./ops/inventory') as typeof import('./ops/inventory')).verify(resources),
  inventoryTransferShip: ({ resources }, args) =>
    (require('./ops/inventory') as typeof import('./ops/inventory')).shipTransfer(resources, args),
  inventoryTransferReceive: ({ resources }, args) =>
    (require('./ops/inventory') as typeof import('./ops/inventory')).receiveTransfer(resources, args),
  posUpload: ({ resources, clients }, args) =>
    (require('./ops/pos') as typeof import('./ops/pos')).upload(resources, clients, args),
  posSummary: ({ resources, clients }, args) =>
    (require('./ops/pos') as typeof import('./ops/pos')).summary(resources, clients, args),
  settlementUpload: ({ resources, clients }, args) =>
    (require('./ops/reconcile') as typeof import('./ops/reconcile')).uploadSettlement(resources, clients, args),
  reconcile: ({ resources }, args) =>
    (require('./ops/reconcile') as typeof import('./ops/reconcile')).reconcile(resources, args),
  exceptionsList: ({ resources }, args) =>
    (require('./ops/exceptions') as typeof import('./ops/exceptions')).list(resources, args),
  exceptionsShow: ({ resources }, args) =>
    (require('./ops/exceptions') as typeof import('./ops/exceptions')).show(resources, args),
  exceptionsRetry: ({ resources }, args) =>
    (require('./ops/exceptions') as typeof import('./ops/exceptions')).retry(resources, args),
  exceptionsDismiss: ({ resources }, args) =>
    (require('./ops/exceptions') as typeof import('./ops/exceptions')).dismiss(resources, args),
  channelCatchUp: ({ resources }, args) =>
    (require('./ops/channel') as typeof import('./ops/channel')).catchUp(resources, args),
  sourcingShow: ({ resources }, args) =>
    (require('./ops/sourcing') as typeof import('./ops/sourcing')).showRules(resources, args),
  sourcingSet: ({ resources }, args) =>
    (require('./ops/sourcing') as typeof import('./ops/sourcing')).setRules(resources, args),
  sourcingHistory: ({ resources }) => (require('./ops/sourcing') as typeof import('./ops/sourcing')).history(resources),
  channelLag: ({ resources }, args) =>
    (require('./ops/channel') as typeof import('./ops/channel')).lag(resources, args),
};
/* eslint-enable @typescript-eslint/no-require-imports */

const SYNOPSIS_WIDTH = 58;

const OVERVIEW = `npm run ops -- <command>

${Object.values(opsCommands)
  .map((command) => {
    const synopsis = synopsisOf(command);
    return synopsis.length < SYNOPSIS_WIDTH
      ? `  ${synopsis.padEnd(SYNOPSIS_WIDTH)}${command.summary}`
      : `  ${synopsis}\n  ${' '.repeat(SYNOPSIS_WIDTH)}${command.summary}`;
  })
  .join('\n')}

Works against the local fabric started with \`npm start\`, or against a deployed region with
\`--region <region> [--profile <profile>]\` anywhere on the line. There, dlq redrive without filters
starts an SQS message move task (what the console's redrive does) and replay starts an EventBridge
archive replay. \`<command> --help\` shows one command's usage.`;

/**
 * The operator's command line. The whole line is checked against the command's grammar
 * (scripts/ops/commands.ts) before anything connects, so a mistyped flag is refused the same way
 * with or without a fabric running; then the command's module under scripts/ops/ runs it.
 */
async function main(commandLine: string[]): Promise<void> {
  const { region, profile, argv } = takeLocation(commandLine);
  if (argv.length === 0 || ['help', '--help', '-h'].includes(argv[0])) {
    console.log(OVERVIEW);
    return;
  }
  const key = commandNamed(argv);
  const command: Command = opsCommands[key];
  const args = argv.slice(command.name.split(' ').length);
  parseCommand(command, args);
  await run[key](await fabricAt(region, profile), args);
}

/** The command the line's first words name; other words get the usage of their group's commands (`dlq --help`), or the overview. */
function commandNamed(argv: string[]): OpsCommandKey {
  const keys = Object.keys(opsCommands) as OpsCommandKey[];
  const found = keys.find((key) => opsCommands[key].name.split(' ').every((word, i) => argv[i] === word));
  if (found) return found;
  const group = keys
    .filter((key) => opsCommands[key].name.split(' ')[0] === argv[0])
    .map((key) => usageOf(opsCommands[key]));
  const usage = group.length ? group.join('\n       ') : OVERVIEW;
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(`usage: ${usage}`);
  throw new UsageError(usage, `unknown command "${argv.slice(0, 2).join(' ')}"`);
}

/** `--region r` and `--profile p` may stand anywhere; every other argument belongs to the command. */
function takeLocation(commandLine: string[]): { region?: string; profile?: string; argv: string[] } {
  const argv: string[] = [];
  const found: { region?: string; profile?: string } = {};
  for (let i = 0; i < commandLine.length; i += 1) {
    const option = commandLine[i];
    if (option === '--region' || option === '--profile') {
      const value = commandLine[i + 1];
      if (!value || value.startsWith('--')) throw new UsageError(OVERVIEW, `${option} needs a value`);
      found[option.slice(2) as 'region' | 'profile'] = value;
      i += 1;
    } else {
      argv.push(option);
    }
  }
  if (found.profile && !found.region)
    throw new UsageError(OVERVIEW, '--profile needs --region: which deployed region to work on');
  return { ...found, argv };
}

async function fabricAt(region: string | undefined, profile: string | undefined): Promise<Fabric> {
  if (region) return awsFabric(region, profile);
  const runtime = readRuntimeDescription();
  configureHandlerEnvironment(runtime.endpoints, runtime.resources);
  return { resources: runtime.resources, clients: localClients(runtime.endpoints) };
}

runCommandLine(() => main(process.argv.slice(2)));
