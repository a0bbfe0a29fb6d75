import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { startLocalFabric, configureHandlerEnvironment, type LocalFabric } from './local-fabric/local-fabric';
import { readRuntimeDescription } from './local-fabric/runtime-file';
import { localClients } from './local-fabric/provision';
import { sampleShopifyOrder, seededRandom, shopifyDeliveryHeaders } from './sample/shopify-orders';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '../shared/adapters/webhook-secrets';
import { secretEnvVar } from '../shared/config/topology';
import { parseDecimalMoney } from '../shared/domain/money';

/**
 * `npm run simulate`: a seeded, reproducible stream of Shopify orders driven through the local fabric
 * over its real HTTP interface, with the faults that break real integrations (redeliveries, forged
 * deliveries, an older update arriving after a newer one), then checks the invariants and exits
 * non-zero when one breaks. It uses the fabric started by `npm start` when one is running, and
 * otherwise starts its own in memory.
 */
const { values: args } = parseArgs({
  options: {
    orders: { type: 'string', default: '200' },
    seed: { type: 'string', default: '7' },
    concurrency: { type: 'string', default: '8' },
    report: { type: 'string' },
  },
});

interface Delivery {
  kind: 'original' | 'redelivery' | 'forged' | 'stale-update';
  orderIndex: number;
  body: string;
  headers: Record<string, string>;
}

async function main(): Promise<void> {
  const orders = Number(args.orders);
  const seed = Number(args.seed);
  const random = seededRandom(seed);
  const { fabric, apiUrl, clients, queues, ownFabric } = await connect();
  const secret = process.env[secretEnvVar('shopify')] ?? DEVELOPMENT_WEBHOOK_SECRETS.shopify;
  // Ids differ per run so runs never collide in a persistent fabric; amounts depend only on the seed
  // (the base is a multiple of 12, the period of the sample's customer and discount patterns).
  const runBase = (Math.floor(Date.now() / 1000) % 1_000_000) * 12 * 1000;

  const payloads = Array.from({ length: orders }, (_, i) => sampleShopifyOrder(runBase + i, random));
  const deliveries: Delivery[] = [];
  payloads.forEach((payload, orderIndex) => {
    const body = JSON.stringify(payload);
    const headers = shopifyDeliveryHeaders(body, secret, 'orders/create', `sim-${seed}-${runBase + orderIndex}`);
    deliveries.push({ kind: 'original', orderIndex, body, headers });
    const redeliveries = Math.floor(random() * 3);
    for (let r = 0; r < redeliveries; r += 1) deliveries.push({ kind: 'redelivery', orderIndex, body, headers });
    if (random() < 0.05) deliveries.push({ kind: 'forged', orderIndex, body, headers: { ...headers, 'x-shopify-hmac-sha256': 'Zm9yZ2Vk' } });
    if (random() < 0.05) {
      const stale = JSON.stringify({ ...payload, updated_at: '2020-01-01T00:00:00.000Z', financial_status: 'pending' });
      deliveries.push({ kind: 'stale-update', orderIndex, body: stale, headers: shopifyDeliveryHeaders(stale, secret, 'orders/updated', `sim-stale-${seed}-${runBase + orderIndex}`) });
    }
  });
  shuffleKeepingOriginalsFirst(deliveries, random);

  const started = Date.now();
  const answers = new Map<Delivery, { status: number; body: Record<string, unknown> }>();
  let sent = 0;
  await inParallel(deliveries, Number(args.concurrency), async (delivery) => {
    const response = await fetch(`${apiUrl}/webhooks/shopify`, { method: 'POST', headers: delivery.headers, body: delivery.body });
    answers.set(delivery, { status: response.status, body: (await response.json()) as Record<string, unknown> });
    sent += 1;
    if (sent % 25 === 0 || sent === deliveries.length) process.stdout.write(`\r  ${progressBar(sent / deliveries.length)} ${sent}/${deliveries.length} deliveries`);
  });
  process.stdout.write('\n');
  const sendSeconds = (Date.now() - started) / 1000;

  const violations: string[] = [];
  const orderIds = payloads.map((_, i) => answers.get(deliveries.find((d) => d.kind === 'original' && d.orderIndex === i)!)?.body.orderId as string);
  const stored = new Map<number, Record<string, any>>();
  await inParallel(orderIds.map((id, i) => [id, i] as const), Number(args.concurrency), async ([orderId, i]) => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const response = await fetch(`${apiUrl}/orders/${orderId}`);
      if (response.status === 200) {
        const found = (await response.json()) as Record<string, any>;
        const expectedEntries = deliveries.some((d) => d.kind === 'stale-update' && d.orderIndex === i) ? 2 : 1;
        if (found.history.length >= expectedEntries) return void stored.set(i, found);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });
  const endToEndSeconds = (Date.now() - started) / 1000;

  const count = (kind: Delivery['kind'], status: number) => deliveries.filter((d) => d.kind === kind && answers.get(d)?.status === status).length;
  const total = (kind: Delivery['kind']) => deliveries.filter((d) => d.kind === kind).length;
  if (count('original', 202) !== orders) violations.push(`${orders - count('original', 202)} first deliveries were not accepted with 202`);
  if (count('redelivery', 200) !== total('redelivery')) violations.push(`${total('redelivery') - count('redelivery', 200)} redeliveries were not answered 200 duplicate`);
  if (count('forged', 401) !== total('forged')) violations.push(`${total('forged') - count('forged', 401)} forged deliveries were not refused with 401`);
  if (stored.size !== orders) violations.push(`${orders - stored.size} accepted orders never became readable (or lost an update)`);
  let businessTotalMinor = 0;
  for (const [i, found] of stored) {
    const created = found.history.filter((h: { change: string }) => h.change === 'created').length;
    if (created !== 1) violations.push(`${found.order.orderId} was created ${created} times`);
    const expected = parseDecimalMoney(String(payloads[i].total_price), 'USD').amountMinor;
    if (found.order.totals.total.amountMinor !== expected) violations.push(`${found.order.orderId} total ${found.order.totals.total.amountMinor} != channel ${expected}`);
    if (found.order.status !== 'received') violations.push(`${found.order.orderId} ended ${found.order.status}: an older update overwrote a newer one`);
    businessTotalMinor += found.order.totals.total.amountMinor;
  }
  const dlqDepth = await deadLetterDepth(clients, queues);
  if (dlqDepth !== 0) violations.push(`${dlqDepth} message(s) in dead-letter queues`);

  const report = {
    seed, orders, deliveries: deliveries.length,
    answers: {
      accepted: count('original', 202), duplicatesSuppressed: count('redelivery', 200),
      forgedRefused: count('forged', 401), staleUpdates: total('stale-update'),
    },
    ordersStored: stored.size,
    businessTotal: { amountMinor: businessTotalMinor, currency: 'USD' },
    deadLetterDepth: dlqDepth,
    seconds: { sending: Number(sendSeconds.toFixed(2)), endToEnd: Number(endToEndSeconds.toFixed(2)) },
    throughput: { deliveriesPerSecond: Number((deliveries.length / sendSeconds).toFixed(1)) },
    invariantsHold: violations.length === 0,
    violations,
  };
  console.log(`\n${orders} orders (seed ${seed}) in ${deliveries.length} deliveries: ${report.answers.accepted} accepted, ${report.answers.duplicatesSuppressed} duplicates suppressed, ${report.answers.forgedRefused} forgeries refused, ${report.answers.staleUpdates} late older updates`);
  console.log(`stored ${stored.size} orders, business total ${(businessTotalMinor / 100).toFixed(2)} USD, DLQ depth ${dlqDepth}, ${report.throughput.deliveriesPerSecond} deliveries/s, all readable after ${endToEndSeconds.toFixed(1)} s`);
  console.log(violations.length ? `INVARIANTS BROKEN:\n  ${violations.join('\n  ')}` : 'every invariant holds: nothing lost, nothing duplicated, no late update applied');
  if (args.report) writeFileSync(args.report, `${JSON.stringify(report, null, 2)}\n`);
  if (ownFabric) await fabric!.stop();
  process.exit(violations.length ? 1 : 0);
}

async function connect(): Promise<{ fabric?: LocalFabric; apiUrl: string; clients: ReturnType<typeof localClients>; queues: string[]; ownFabric: boolean }> {
  try {
    const runtime = readRuntimeDescription();
    configureHandlerEnvironment(runtime.endpoints, runtime.resources);
    console.log(`using the local fabric at ${runtime.apiUrl}`);
    return { apiUrl: runtime.apiUrl, clients: localClients(runtime.endpoints), queues: Object.values(runtime.resources.queues).map((q) => q.dlqUrl), ownFabric: false };
  } catch {
    console.log('no local fabric running: starting one in memory for this simulation');
    process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const fabric = await startLocalFabric({ prefix: 'sim', apiPort: 0 });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { seedSampleCatalog } = require('./sample/sample-traffic') as typeof import('./sample/sample-traffic');
    await seedSampleCatalog(fabric.resources.tables.crossReference);
    return { fabric, apiUrl: fabric.apiUrl, clients: fabric.clients, queues: Object.values(fabric.resources.queues).map((q) => q.dlqUrl), ownFabric: true };
  }
}

async function deadLetterDepth(clients: ReturnType<typeof localClients>, dlqUrls: string[]): Promise<number> {
  let depth = 0;
  for (const QueueUrl of dlqUrls) {
    const { Attributes = {} } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    depth += Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  }
  return depth;
}

/** Faults arrive in any order, but a redelivery or forgery of an order never precedes its original. */
function shuffleKeepingOriginalsFirst(deliveries: Delivery[], random: () => number): void {
  for (let i = deliveries.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [deliveries[i], deliveries[j]] = [deliveries[j], deliveries[i]];
  }
  const originals = deliveries.filter((d) => d.kind === 'original');
  const rest = deliveries.filter((d) => d.kind !== 'original');
  deliveries.splice(0, deliveries.length, ...originals, ...rest);
}

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

function progressBar(fraction: number): string {
  const width = 30;
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

main().catch((error) => {
  console.error(`simulate failed: ${(error as Error).message}`);
  process.exit(1);
});
