import { statSync } from 'node:fs';
import { routingRules, type RoutingRule } from '#events/routing-rules';
import { SalesChannel } from '#domain/kernel/order';
import { parsePosBatchKey, type PosBatchPath } from '#domain/pos/batch';
import { EXCEPTION_KINDS } from '#domain/exceptions/model';
import {
  argument,
  defineCommand,
  isoTime,
  oneOf,
  option,
  optionalArgument,
  positiveWholeNumber,
  requiredOption,
  switchFlag,
  type Flag,
  type Parsed,
  type Positional,
  type Reader,
} from './command-line';

/**
 * Every ops command's grammar, apart from what it does: scripts/ops.ts checks a command line
 * against it before it connects to any fabric, and each command module reads its arguments with
 * it. Loads no adapter, so nothing here depends on the environment the fabric sets.
 */

const salesChannel = oneOf(SalesChannel.options);
const routingRule: Reader<RoutingRule> = (text) => {
  const rule = routingRules.find((candidate) => candidate.name === text);
  if (!rule)
    throw new Error(
      `must be a routing rule, one of ${routingRules.map((candidate) => candidate.name).join(', ')}; got "${text}"`,
    );
  return rule;
};

const existingFile: Reader<string> = (text) => {
  if (!statSync(text, { throwIfNoEntry: false })?.isFile())
    throw new Error(`must name a file; there is none at "${text}"`);
  return text;
};

/** 0, 1, 2, ...: a version the rules may be at (0 before any is stored). */
const wholeNumber: Reader<number> = (text) => {
  if (!/^\d+$/.test(text)) throw new Error(`must be a whole number, 0 or more; got "${text}"`);
  return Number(text);
};

const POS_BATCH_EXTENSION = /\.(csv|jsonl|xml)(\.gz)?$/;

/** Where `pos upload` puts a batch under the upload contract (shared/domain/pos/batch.ts); undefined when an id or the date breaks it. */
export function posUploadPath(
  file: string,
  storeId: string,
  businessDate: string,
  batchId: string,
): (PosBatchPath & { key: string }) | undefined {
  const key = `incoming/${storeId}/${businessDate}/${batchId}${POS_BATCH_EXTENSION.exec(file)?.[0] ?? ''}`;
  const batch = parsePosBatchKey(key);
  return batch && { ...batch, key };
}

const heldFilters = { channel: option('channel', salesChannel), order: option('orderId'), sku: option('sku') };

function opsCommand<
  const P extends readonly Positional<unknown>[] = [],
  F extends Record<string, Flag<unknown>> = Record<never, Flag<unknown>>,
>(
  name: string,
  summary: string,
  grammar: { args?: P; flags?: F; check?: (parsed: Parsed<P, F>) => string | undefined } = {},
) {
  return defineCommand<P, F>({ program: 'npm run ops --', name, summary, ...grammar });
}

/** In the order the overview lists them. */
export const opsCommands = {
  xrefMapSku: opsCommand('xref map-sku', 'map a channel SKU to an internal SKU', {
    args: [argument('channel', salesChannel), argument('channelSku | variant:ID'), argument('sku')],
  }),
  xrefList: opsCommand('xref list', "list a channel's SKU mappings", { args: [argument('channel', salesChannel)] }),
  orderShow: opsCommand('order show', 'an order and its state history', { args: [argument('orderId')] }),
  orderTrace: opsCommand('order trace', "the order's whole path: every event, queue, outcome and timing", {
    args: [argument('orderId')],
  }),
  replay: opsCommand('replay', 'publish again what archived webhook deliveries carry; safe twice', {
    flags: {
      from: requiredOption('time', isoTime),
      to: option('time', isoTime),
      channel: option('channel', salesChannel),
      'detail-type': option('detailType'),
      'dry-run': switchFlag(),
    },
    check: ({ flags }) =>
      (flags.to ?? new Date()) <= flags.from ? '--to (now, when left off) must be after --from' : undefined,
  }),
  dlqList: opsCommand('dlq list', 'every DLQ with its depth and oldest message age'),
  dlqPeek: opsCommand('dlq peek', 'what each held message is and whether it was processed', {
    args: [argument('rule', routingRule)],
    flags: heldFilters,
  }),
  dlqRedrive: opsCommand('dlq redrive', 'move held messages back to their source queue', {
    args: [argument('rule', routingRule)],
    flags: { 'dry-run': switchFlag(), ...heldFilters },
  }),
  inventoryShow: opsCommand('inventory show', 'stock per location and what each channel is shown', {
    args: [argument('sku')],
  }),
  inventoryVerify: opsCommand('inventory verify', 'rebuild positions from the ledger; non-zero exit on drift'),
  inventoryTransferShip: opsCommand(
    'inventory transfer ship',
    'ship units: off hand at --from, incoming (not sellable) at --to until received',
    {
      args: [argument('transferId'), argument('sku'), argument('quantity', positiveWholeNumber)],
      flags: { from: requiredOption('locationId', (text) => text), to: requiredOption('locationId', (text) => text) },
      check: ({ flags }) => (flags.from === flags.to ? '--to must differ from --from' : undefined),
    },
  ),
  inventoryTransferReceive: opsCommand(
    'inventory transfer receive',
    'receive a shipped transfer: what arrived goes on hand, a difference is a TRANSFER_VARIANCE',
    { args: [argument('transferId'), argument('sku'), argument('quantityArrived', wholeNumber)] },
  ),
  posUpload: opsCommand('pos upload', 'put a POS batch where a store would (its manifest first)', {
    args: [argument('file', existingFile), argument('storeId'), argument('businessDate'), argument('batchId')],
    flags: { manifest: switchFlag() },
    check: ({ args: [batchFile, storeId, businessDate, batchId] }) => {
      if (!POS_BATCH_EXTENSION.test(batchFile))
        return `<file> must end in .csv, .jsonl or .xml, optionally .gz; got "${batchFile}"`;
      return posUploadPath(batchFile, storeId, businessDate, batchId)
        ? undefined
        : 'the upload contract wants <storeId> and <batchId> of letters, digits, "-" and "_", and <businessDate> as YYYY-MM-DD';
    },
  }),
  posSummary: opsCommand('pos summary', 'POS upload summaries: counts, gaps, quarantine', {
    args: [argument('storeId'), argument('businessDate'), optionalArgument('batchId')],
  }),
  settlementUpload: opsCommand(
    'settlement upload',
    "put a settlement report where the marketplace's export lands; prints its settlement id",
    {
      args: [argument('file', existingFile), argument('amazon|shopify', oneOf(['amazon', 'shopify'] as const))],
    },
  ),
  reconcile: opsCommand('reconcile', "a settlement's reconciliation: matched, variance, unmatched orders", {
    args: [argument('settlementId')],
  }),
  exceptionsList: opsCommand(
    'exceptions list',
    'the exceptions work queue, oldest first: kind, status, what it is about, why',
    {
      flags: {
        kind: option('kind', oneOf(EXCEPTION_KINDS)),
        status: option('status', oneOf(['open', 'resolved', 'dismissed'] as const)),
        json: switchFlag(),
      },
    },
  ),
  exceptionsShow: opsCommand('exceptions show', 'one exception: its cause, sightings, fixes and who did what', {
    args: [argument('id')],
  }),
  exceptionsRetry: opsCommand(
    'exceptions retry',
    'map a held order again from the archive, or post a rejected sales order again',
    {
      args: [argument('id')],
      flags: { reason: option('text') },
    },
  ),
  exceptionsDismiss: opsCommand('exceptions dismiss', 'close an exception that needs nothing more, saying why', {
    args: [argument('id')],
    flags: {
      reason: requiredOption('text', (text) => {
        if (!text.trim()) throw new Error('must say why');
        return text;
      }),
    },
  }),
  channelCatchUp: opsCommand(
    'channel catch-up',
    "pulls the channel's orders now: from its cursor, or from --since without moving the cursor",
    {
      args: [argument('channel', salesChannel)],
      flags: { since: option('time', isoTime) },
      check: ({ flags }) => (flags.since && flags.since >= new Date() ? '--since must be in the past' : undefined),
    },
  ),
  sourcingShow: opsCommand(
    'sourcing show',
    'the sourcing rules in force: which locations each kind of order reserves at',
    {
      flags: { json: switchFlag() },
    },
  ),
  sourcingSet: opsCommand(
    'sourcing set',
    'store a JSON file of sourcing rules as the next version; the next order uses it',
    {
      args: [argument('file', existingFile)],
      flags: { 'expected-version': option('version', wholeNumber) },
    },
  ),
  sourcingHistory: opsCommand('sourcing history', 'every stored version of the sourcing rules, newest first'),
  channelLag: opsCommand('channel lag', 'per channel and SKU: last published figure, version, acknowledgement, lag', {
    args: [optionalArgument('channel', salesChannel)],
  }),
};

export type OpsCommandKey = keyof typeof opsCommands;
