import { configureHandlerEnvironment } from './local-fabric/local-fabric';
import { readRuntimeDescription } from './local-fabric/runtime-file';
import { localClients } from './local-fabric/provision';
import { awsFabric } from './ops/aws-fabric';

const USAGE = `npm run ops -- <command>

  xref map-sku <channel> <channelSku | variant:ID> <sku>   map a channel SKU to an internal SKU
  xref list <channel>                                       list a channel's SKU mappings
  order show <orderId>                                      an order and its state history
  order trace <orderId>                                     the order's whole path: every event, queue, outcome and timing
  replay --from <time> [--to <time>] [--channel c] [--detail-type T] [--dry-run]
                                                            publish again what archived webhook deliveries carry; safe twice
  dlq list                                                  every DLQ with its depth and oldest message age
  dlq peek <rule> [--channel c] [--order id] [--sku s]      what each held message is and whether it was processed
  dlq redrive <rule> [--dry-run] [--channel c] [--order id] [--sku s]
                                                            move held messages back to their source queue
  inventory show <sku>                                      stock per location and what each channel is shown
  inventory verify                                          rebuild positions from the ledger; non-zero exit on drift
  pos upload <file> <storeId> <businessDate> <batchId> [--manifest]
                                                            put a POS batch where a store would (its manifest first)
  pos summary <storeId> <businessDate> [batchId]            POS upload summaries: counts, gaps, quarantine
  settlement upload <file> <amazon|shopify>                 put a settlement report where the marketplace's export lands
  reconcile <settlementId>                                  a settlement's reconciliation: matched, variance, unmatched orders
  channel lag [channel]                                     per channel and SKU: last published figure, version, acknowledgement, lag

Works against the local fabric started with \`npm start\`, or against a deployed region with
\`--region <region> [--profile <profile>]\` anywhere on the line. There, dlq redrive without filters
starts an SQS message move task (what the console's redrive does) and replay starts an EventBridge
archive replay.`;

/** The operator's command line. Each command is a module under scripts/ops/, loaded after the environment is set. */
async function main(commandLine: string[]): Promise<void> {
  const { region, profile, argv } = takeLocation(commandLine);
  const [group, command, ...args] = argv;
  if (!group || group === 'help' || group === '--help') {
    console.log(USAGE);
    return;
  }
  const { runtime, clients } = await fabricAt(region, profile);
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (group === 'reconcile') return (require('./ops/reconcile') as typeof import('./ops/reconcile')).reconcile(runtime.resources, [command, ...args].filter(Boolean));
  // replay takes only options, so its "command" is its first option.
  if (group === 'replay') return void (await (require('./ops/replay') as typeof import('./ops/replay')).replay(runtime.resources, argv.slice(1)));
  switch (`${group} ${command}`) {
    case 'xref map-sku':
      return (require('./ops/xref') as typeof import('./ops/xref')).mapSku(runtime.resources, args);
    case 'xref list':
      return (require('./ops/xref') as typeof import('./ops/xref')).listSkus(runtime.resources, args);
    case 'order show':
      return (require('./ops/order') as typeof import('./ops/order')).showOrder(runtime.resources, args);
    case 'order trace':
      return (require('./ops/order') as typeof import('./ops/order')).traceOrder(runtime.resources, args);
    case 'inventory show':
      return (require('./ops/inventory') as typeof import('./ops/inventory')).show(runtime.resources, args);
    case 'inventory verify':
      return (require('./ops/inventory') as typeof import('./ops/inventory')).verify(runtime.resources);
    case 'pos upload':
      return (require('./ops/pos') as typeof import('./ops/pos')).upload(runtime.resources, clients, args);
    case 'settlement upload':
      return (require('./ops/reconcile') as typeof import('./ops/reconcile')).uploadSettlement(runtime.resources, clients, args);
    case 'pos summary':
      return (require('./ops/pos') as typeof import('./ops/pos')).summary(runtime.resources, clients, args);
    case 'channel lag':
      return void (await (require('./ops/channel') as typeof import('./ops/channel')).lag(runtime.resources, args));
    case 'dlq list':
      return (require('./ops/dlq') as typeof import('./ops/dlq')).listDeadLetterQueues(runtime.resources, clients);
    case 'dlq peek':
      return void (await (require('./ops/dlq') as typeof import('./ops/dlq')).peek(runtime.resources, clients, args));
    case 'dlq redrive':
      return void (await (require('./ops/dlq') as typeof import('./ops/dlq')).redrive(runtime.resources, clients, args));
    default:
      throw new Error(`unknown command "${argv.join(' ')}"\n\n${USAGE}`);
  }
}

/** `--region r` and `--profile p` may stand anywhere; every other argument belongs to the command. */
function takeLocation(commandLine: string[]): { region?: string; profile?: string; argv: string[] } {
  const argv: string[] = [];
  const found: { region?: string; profile?: string } = {};
  for (let i = 0; i < commandLine.length; i += 1) {
    const option = commandLine[i];
    if (option === '--region' || option === '--profile') {
      const value = commandLine[i + 1];
      if (!value || value.startsWith('--')) throw new Error(`${option} needs a value`);
      found[option.slice(2) as 'region' | 'profile'] = value;
      i += 1;
    } else {
      argv.push(option);
    }
  }
  if (found.profile && !found.region) throw new Error('--profile needs --region: which deployed region to work on');
  return { ...found, argv };
}

async function fabricAt(region: string | undefined, profile: string | undefined) {
  if (region) {
    const { resources, clients } = await awsFabric(region, profile);
    return { runtime: { resources }, clients };
  }
  const runtime = readRuntimeDescription();
  configureHandlerEnvironment(runtime.endpoints, runtime.resources);
  return { runtime, clients: localClients(runtime.endpoints) };
}

main(process.argv.slice(2)).catch((error) => {
  console.error((error as Error).message);
  process.exit(1);
});
