import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { settlementDetail, settlementRecords } from '#shared/operations/settlements';
import { formatDecimalMoney, type Money } from '#domain/kernel/money';
import { SettlementFormatError, readSettlementReport } from '#domain/accounting/settlement-report';
import type { LocalClients, LocalResources } from '../local-fabric/provision';
import { parseCommand } from './command-line';
import { opsCommands } from './commands';

const amount = (money: Money | undefined) => (money ? formatDecimalMoney(money) : '-');

/** `reconcile <settlementId>`: a settlement's reconciliation report: counts and amounts, then every order it named and how it matched. */
export async function reconcile(resources: LocalResources, argv: string[]): Promise<void> {
  const {
    args: [settlementId],
  } = parseCommand(opsCommands.reconcile, argv);
  const found = await settlementDetail(settlementRecords(resources.tables.accounting), settlementId);
  if (!found)
    throw new Error(
      `no reconciliation report for settlement ${settlementId} (reports land under incoming/amazon/ or incoming/shopify/ of the settlement-reports bucket)`,
    );
  const { settlement, orders } = found;
  const { counts, amounts } = settlement;
  console.log(
    `${settlement.channel} settlement ${settlement.settlementId}  ${settlement.currency}  ${settlement.startDate ?? '?'} .. ${settlement.endDate ?? '?'}  deposit ${settlement.depositDate ?? '-'}  total ${amount(settlement.totalAmount)}`,
  );
  console.log(`  from ${settlement.source}, reconciled ${settlement.reconciledAt}`);
  console.log(
    `  ${counts.lines} lines, ${counts.orders} orders: ${counts.matched} matched, ${counts.variance} with a variance, ${counts.unmatched} unmatched; ${counts.accountLines} account-level lines`,
  );
  console.log(
    `  charges: matched ${amount(amounts.matched)}, with a variance ${amount(amounts.variance)} (net variance ${amount(amounts.netVariance)}), unmatched ${amount(amounts.unmatched)}`,
  );
  const { balance } = settlement;
  if (balance) {
    console.log(
      `  rows: matched ${amount(balance.matched)} (${balance.rows.matched}) + unmatched ${amount(balance.unmatched)} (${balance.rows.unmatched}) + other ${amount(balance.other)} (${balance.rows.other}) = ${amount(balance.counted)}; deposit ${amount(balance.deposit)}${balance.balanced ? '' : '  DOES NOT ADD UP'}`,
    );
  }
  console.log(`  fee entries: ${settlement.feeEntryIds.join(', ') || 'none'}`);
  console.log(
    `  ${'status'.padEnd(10)} ${'channel order'.padEnd(22)} ${'charges'.padStart(10)} ${'expected'.padStart(10)} ${'fees'.padStart(8)} ${'expected'.padStart(8)}  reasons / order`,
  );
  for (const order of orders) {
    console.log(
      `  ${order.status.padEnd(10)} ${order.channelOrderId.padEnd(22)} ${amount(order.charges).padStart(10)} ${amount(order.expectedCharges).padStart(10)} ${amount(order.fees).padStart(8)} ${amount(order.expectedFees).padStart(8)}  ${[...order.reasons, order.orderId ?? ''].filter(Boolean).join(' ')}  lines ${order.lineNumbers.join(',')}`,
    );
    // Fee types off their schedule, per item: the figures a claim to the marketplace needs.
    for (const item of order.items ?? []) {
      for (const fee of item.fees) {
        if (!fee.expected || fee.expected.amountMinor === fee.actual.amountMinor) continue;
        console.log(
          `      ${item.transactionType} item ${item.channelLineId ?? item.transactionId ?? '-'}  ${fee.feeType} ${amount(fee.actual)}, schedule ${amount(fee.expected)}  lines ${item.lineNumbers.join(',')}`,
        );
      }
    }
  }
}

/**
 * `settlement upload <file> <amazon|shopify>`: puts a settlement report where the marketplace's
 * export lands, for the S3 trigger to reconcile, and prints the settlement id `reconcile` takes,
 * read from the report as the ingest reads it. A report the ingest will reject is uploaded all the
 * same (the rejection is the fabric's to raise) and the command fails, saying why.
 */
export async function uploadSettlement(
  resources: LocalResources,
  clients: LocalClients,
  argv: string[],
): Promise<void> {
  const {
    args: [file, channel],
  } = parseCommand(opsCommands.settlementUpload, argv);
  const key = `incoming/${channel}/${path.basename(file)}`;
  const body = readFileSync(path.resolve(file));
  await clients.s3.send(new PutObjectCommand({ Bucket: resources.buckets.settlementReports, Key: key, Body: body }));
  console.log(`s3://${resources.buckets.settlementReports}/${key}  (${body.length} bytes)`);
  const settlementId = await settlementIdOf(channel, body);
  console.log(
    `settlement ${settlementId}; once the ingest has reconciled it: npm run ops -- reconcile ${settlementId}`,
  );
}

/** The id the settlement is reconciled under: its header, the first record a report yields. */
async function settlementIdOf(channel: 'amazon' | 'shopify', body: Buffer): Promise<string> {
  try {
    for await (const record of readSettlementReport(channel, Readable.from([body]))) {
      if (record.kind === 'header') return record.header.settlementId;
    }
  } catch (error) {
    if (error instanceof SettlementFormatError)
      throw new Error(`the settlement ingest will reject this report (REPORT_REJECTED): ${error.message}`);
    throw error;
  }
  throw new Error('the settlement ingest will reject this report: it has no header');
}
