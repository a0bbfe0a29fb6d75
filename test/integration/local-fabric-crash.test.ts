import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import { S3DeliveryArchive } from '#shared/adapters/raw-archive';
import { DEVELOPMENT_WEBHOOK_SECRETS } from '#shared/adapters/webhook-secrets';
import { BusinessCentralSimulator } from '../../scripts/erp-simulator/business-central-simulator';
import { isRunning } from '../../scripts/local-fabric/data-dir-claim';
import type { RuntimeDescription } from '../../scripts/local-fabric/runtime-file';
import { sampleShopifyOrder, shopifyDeliveryHeaders } from '../../scripts/sample/shopify-orders';
import { routingRules } from '#events/routing-rules';
import { functions } from '#shared/config/topology';
import { eventually } from './support/test-fabric';

/**
 * How long a sales order posting caught by the crash may rightly take after the restart: the message it
 * was handling comes back within the consumer's timeout, finds the dead holder's lease still on the
 * document (PostingInProgressError), and returns after its queue's whole visibility timeout. Plus two
 * minutes for a busy machine.
 */
const POSTING_AFTER_CRASH_MS =
  (functions['erp-posting'].timeoutSeconds * 2 +
    routingRules.find((rule) => rule.name === 'erp-sales-order-posting')!.target.visibilityTimeoutSeconds +
    120) *
  1000;

const ROOT = path.resolve(__dirname, '..', '..');
const TSX_CLI = require.resolve('tsx/cli');

/** `npm start` as a user runs it, in a process group of its own so the whole group can be killed. */
class FabricProcess {
  readonly child: ChildProcess;
  private output = '';
  readonly exited: Promise<number | null>;

  constructor(
    readonly dataDir: string,
    env: Record<string, string> = {},
    args: string[] = [],
  ) {
    this.child = spawn(process.execPath, [TSX_CLI, 'scripts/start.ts', ...args], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FABRIC_DATA_DIR: dataDir, FABRIC_API_PORT: '0', ...env },
    });
    this.child.stdout!.on('data', (chunk) => {
      this.output += chunk;
    });
    this.child.stderr!.on('data', (chunk) => {
      this.output += chunk;
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get printed(): string {
    return this.output;
  }

  async ready(): Promise<RuntimeDescription> {
    await eventually(
      'npm start to say it is ready',
      async () => {
        if (this.child.exitCode !== null)
          throw new Error(`npm start exited with ${this.child.exitCode}:\n${this.output}`);
        return this.output.includes('Ready: ') ? true : undefined;
      },
      180_000,
    );
    return JSON.parse(readFileSync(path.join(this.dataDir, 'runtime.json'), 'utf8')) as RuntimeDescription;
  }

  killGroup(): void {
    process.kill(-this.child.pid!, 'SIGKILL');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }
}

/** Live processes (zombies excluded) whose command line or environment names `dataDir`: the emulators it ran. */
function processesUsing(dataDir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        const seen = ['cmdline', 'environ'].some((file) => readFileSync(`/proc/${pid}/${file}`).includes(dataDir));
        return seen && pid !== process.pid && isRunning(pid);
      } catch {
        return false; // gone while we looked
      }
    });
}

/** Every file below `directory` with its size and modification time: what a start may not change. */
function savedState(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      const { size, mtimeMs } = statSync(file);
      return `${path.relative(directory, file)} ${size} ${mtimeMs}`;
    })
    .sort();
}

async function postSignedOrder(
  apiUrl: string,
  orderNumber: number,
): Promise<{ orderId: string; webhookId: string } | undefined> {
  const body = JSON.stringify(sampleShopifyOrder(orderNumber));
  const headers = shopifyDeliveryHeaders(body, DEVELOPMENT_WEBHOOK_SECRETS.shopify);
  try {
    const response = await fetch(`${apiUrl}/webhooks/shopify`, { method: 'POST', headers, body });
    if (response.status !== 202) return undefined;
    return {
      orderId: String(((await response.json()) as { orderId: string }).orderId),
      webhookId: headers['x-shopify-webhook-id'],
    };
  } catch {
    return undefined; // cut off by the crash: never answered, so the channel would send it again
  }
}

describe('npm start through a crash', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'fabric-crash-'));
  const running: FabricProcess[] = [];
  afterAll(async () => {
    await Promise.all(running.map((fabric) => fabric.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses nothing answered 202 when the whole process group is killed, and posts each order to the ERP once', async () => {
    const startedAt = new Date();
    const first = new FabricProcess(dataDir);
    running.push(first);
    const { apiUrl, pid } = await first.ready();
    expect(first.printed).toContain('A new shop');

    // A second runtime on the same data directory would consume and overwrite the first one's work.
    const second = new FabricProcess(dataDir);
    expect(await second.exited).toBe(1);
    expect(second.printed).toContain(`another local fabric (pid ${pid},`);

    // Orders keep coming, four at a time, until the crash cuts them off.
    const accepted: { orderId: string; webhookId: string }[] = [];
    let next = 900_000 + (Date.now() % 10_000) * 10;
    const senders = Array.from({ length: 4 }, async () => {
      while (first.child.exitCode === null && first.child.signalCode === null) {
        const answer = await postSignedOrder(apiUrl, next++);
        if (answer) accepted.push(answer);
        else return;
      }
    });
    await eventually('twelve orders accepted', async () => (accepted.length >= 12 ? true : undefined), 60_000);
    first.killGroup();
    await Promise.all(senders);
    await first.exited;

    await eventually(
      'no emulator left running',
      async () => (processesUsing(dataDir).length === 0 ? true : undefined),
      15_000,
    );

    const restarted = new FabricProcess(dataDir);
    running.push(restarted);
    const runtime = await restarted.ready();
    expect(restarted.printed).toContain('ended without stopping');
    expect(restarted.printed).not.toContain('A new shop');

    const documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: runtime.endpoints.dynamodb,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    const lifecycles = new DynamoLifecycleStore(runtime.resources.tables.orders, documents);
    const postedBy = Date.now() + POSTING_AFTER_CRASH_MS;
    for (const { orderId } of accepted) {
      const stored = await fetch(`${runtime.apiUrl}/orders/${orderId}`);
      expect({ orderId, status: stored.status }).toEqual({ orderId, status: 200 });
      await eventually(
        `${orderId} posted to the ERP`,
        async () => ((await lifecycles.load(orderId))?.state === 'posted_to_erp' ? true : undefined),
        Math.max(0, postedBy - Date.now()),
      );
    }

    const archive = new S3DeliveryArchive(
      runtime.resources.buckets.rawArchive,
      new S3Client({
        endpoint: runtime.endpoints.messaging,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    const archived = new Set<string>();
    for await (const entry of archive.deliveriesBetween(startedAt, new Date(), ['shopify']))
      archived.add(entry.delivery.headers['x-shopify-webhook-id']);
    expect(accepted.filter(({ webhookId }) => !archived.has(webhookId))).toEqual([]);

    // Closing the terminal hangs up on the whole group: a clean stop, as Ctrl-C.
    process.kill(-restarted.child.pid!, 'SIGHUP');
    await eventually(
      'the hung-up fabric to stop and let go of its data directory',
      async () =>
        processesUsing(dataDir).length === 0 && !existsSync(path.join(dataDir, 'fabric.lock')) ? true : undefined,
      60_000,
    );
    expect(restarted.printed).toContain('SIGHUP: stopping');
    const erp = new BusinessCentralSimulator({ ledgerFile: path.join(dataDir, 'erp', 'business-central.jsonl') });
    expect(accepted.filter(({ orderId }) => erp.salesOrdersFor(orderId).length !== 1)).toEqual([]);
  }, 900_000);

  it('refuses to start on a port that is taken, and leaves the saved state as it was, even when asked to reset it', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const before = savedState(dataDir);
      const fabric = new FabricProcess(
        dataDir,
        { FABRIC_API_PORT: String((taken.address() as { port: number }).port) },
        ['--reset'],
      );
      expect(await fabric.exited).toBe(1);
      expect(fabric.printed).toMatch(/port \d+ is taken/);
      expect(savedState(dataDir)).toEqual(before);
      expect(processesUsing(dataDir)).toEqual([]);
    } finally {
      taken.close();
    }
  });
});
