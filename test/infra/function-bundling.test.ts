import path from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions, functionBundling, type FunctionTracing } from '../../infra/function-bundling';

const ROOT = path.resolve(__dirname, '..', '..');

/** The packages and files that went into a function's bundle, as FabricFunction bundles it. */
async function bundledInputs(entry: string, tracing: FunctionTracing): Promise<string[]> {
  const { metafile } = await build({
    ...esbuildOptions(functionBundling(tracing)),
    entryPoints: [path.join(ROOT, entry)],
    outfile: path.join(ROOT, 'cdk.out', 'bundling-test', 'index.js'),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
      .map(([input]) => input),
  );
}

/** The entry module of an SDK client or library package, as bundled. */
const SDK_CLIENT_PACKAGE = /node_modules\/@aws-sdk\/(client|lib)-[^/]+\/dist-cjs\/index\.js$/;

// A function that publishes events (the transport, its claim checks) and reads stores, as most do.
const PUBLISHER = 'functions/reservation-sweeper/handler.ts';

describe('function bundles', () => {
  test('carry neither the tracer, the SNS client, a browser user-agent parser nor a zod locale but English, by default', async () => {
    const inputs = await bundledInputs(PUBLISHER, 'off');

    expect(inputs.filter((input) => /@aws-lambda-powertools\/tracer|aws-xray-sdk/.test(input))).toEqual([]);
    expect(inputs.filter((input) => /@aws-sdk\/client-sns\//.test(input))).toEqual([]);
    expect(inputs.filter((input) => /\/bowser\//.test(input))).toEqual([]);
    expect(inputs.filter((input) => /zod\/v4\/locales\//.test(input))).toEqual([
      expect.stringMatching(/zod\/v4\/locales\/en\.js$/),
    ]);
    expect(inputs.some((input) => /@aws-sdk\/client-eventbridge\//.test(input))).toBe(true);
  }, 60_000);

  test('carry the schemas of the events a consumer reads, not the whole event catalog', async () => {
    // package.json declares our modules free of side effects, so a module nothing uses is left out.
    const inputs = await bundledInputs('functions/channel-order-fetch/handler.ts', 'off');

    expect(inputs.some((input) => input.endsWith('shared/domain/intake/events.ts'))).toBe(true);
    expect(
      inputs.filter((input) => /events\/catalog\.ts$|shared\/domain\/(pricing|accounting)\/events\.ts$/.test(input)),
    ).toEqual([]);
  }, 60_000);

  test("carry no capability's event schemas for one small thing of its module: the inventory policy, the order version key", async () => {
    // A schema built at load is a call the bundler keeps: one export used from a module keeps them all.
    // catch-up reads the inventory policy (Square's store sales check their stores against it) and the
    // order version key (the order store); price-order-check reads the order version key.
    const catchUp = await bundledInputs('functions/channel-order-catch-up/handler.ts', 'off');
    const priceCheck = await bundledInputs('functions/price-order-check/handler.ts', 'off');

    expect(catchUp.some((input) => input.endsWith('shared/domain/inventory/policy.ts'))).toBe(true);
    expect(priceCheck.some((input) => input.endsWith('shared/domain/orders/model.ts'))).toBe(true);
    const foreignEvents = /shared\/domain\/(inventory|fulfilment|erp|orders)\/events\.ts$/;
    expect(catchUp.filter((input) => foreignEvents.test(input))).toEqual([]);
    expect(priceCheck.filter((input) => foreignEvents.test(input))).toEqual([]);
  }, 60_000);

  test('carry no event schemas where they only read exceptions: the ERP status API, the overview', async () => {
    // The exceptions model names the events that raise an exception by detail type; read off the event
    // definitions, those names alone brought every capability's event schemas into these functions.
    for (const entry of ['functions/erp-status-api/handler.ts', 'functions/operations-overview/handler.ts']) {
      const inputs = await bundledInputs(entry, 'off');

      expect(inputs.some((input) => input.endsWith('shared/domain/exceptions/model.ts'))).toBe(true);
      expect(inputs.filter((input) => /shared\/domain\/\w[\w-]*\/events\.ts$/.test(input))).toEqual([]);
    }
  }, 60_000);

  test('carry one copy of Powertools commons and jmespath, however many Powertools packages they use', async () => {
    // package.json's overrides give the 2.35 packages (idempotency, batch, parameters) the 2.36
    // commons and jmespath of logger and metrics; without them npm nests a copy under each 2.36 package.
    const catchUp = await bundledInputs('functions/channel-order-catch-up/handler.ts', 'off');
    const copiesOf = (pkg: string) =>
      new Set(
        catchUp.flatMap((input) => {
          const directory = `node_modules/@aws-lambda-powertools/${pkg}/`;
          const at = input.lastIndexOf(directory);
          return at < 0 ? [] : [input.slice(0, at + directory.length)];
        }),
      );

    expect(catchUp.some((input) => /@aws-lambda-powertools\/(logger|metrics|idempotency|batch)\//.test(input))).toBe(
      true,
    );
    expect([...copiesOf('commons')]).toEqual(['node_modules/@aws-lambda-powertools/commons/']);
    expect([...copiesOf('jmespath')]).toEqual(['node_modules/@aws-lambda-powertools/jmespath/']);
  }, 60_000);

  test("copy each SDK client package's exports once, in aws-clients.ts, however many adapters use it", async () => {
    // The bundler gives every ES module that imports a CommonJS package its own copy of the exports,
    // a getter each: 709 for the S3 client. fulfilment-release uses DynamoDB through six adapters.
    const { metafile } = await build({
      ...esbuildOptions(functionBundling('off')),
      entryPoints: [path.join(ROOT, 'functions/fulfilment-release/handler.ts')],
      outfile: path.join(ROOT, 'cdk.out', 'bundling-test', 'index.js'),
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const importersOfSdkClients = Object.entries(metafile.inputs)
      .filter(([input]) => !input.includes('node_modules/'))
      .filter(([, { imports }]) =>
        imports.some(({ path: imported, kind }) => kind === 'import-statement' && SDK_CLIENT_PACKAGE.test(imported)),
      )
      .map(([input]) => input);

    expect(Object.keys(metafile.inputs).filter((input) => /@aws-sdk\/client-(dynamodb|s3)\//.test(input))).not.toEqual(
      [],
    );
    expect(importersOfSdkClients).toEqual(['shared/adapters/aws-clients.ts']);
  }, 60_000);

  test('carry the tracer where the region turns tracing on', async () => {
    const inputs = await bundledInputs(PUBLISHER, 'active');

    expect(inputs.some((input) => /@aws-lambda-powertools\/tracer\//.test(input))).toBe(true);
    expect(inputs.some((input) => /aws-xray-sdk-core\//.test(input))).toBe(true);
  }, 60_000);
});
