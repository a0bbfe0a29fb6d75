import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startLocalFabric } from './local-fabric/local-fabric';
import { FABRIC_DIR, removeRuntimeDescription, writeRuntimeDescription } from './local-fabric/runtime-file';

/** `npm start`: the fabric on this machine, with a realistic sample flowing through it. */
async function main(): Promise<void> {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    throw new Error('DynamoDB Local needs Java 17 or newer on the PATH (Debian: apt-get install default-jre-headless)');
  }
  const started = Date.now();
  const fabric = await startLocalFabric({
    dataDir: FABRIC_DIR,
    log: (message, details) => console.log(`[local runtime] ${message} ${details ? JSON.stringify(details) : ''}`),
  });
  writeRuntimeDescription({ pid: process.pid, apiUrl: fabric.apiUrl, endpoints: fabric.endpoints, resources: fabric.resources });

  console.log(`\nRetail integration fabric is up (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`  API Gateway (local)   ${fabric.apiUrl}`);
  console.log(`  DynamoDB Local        ${fabric.endpoints.dynamodb}   data in ${path.join(FABRIC_DIR, 'dynamodb')}`);
  console.log(`  fauxqs (SQS/SNS/S3)   ${fabric.endpoints.messaging}   (in memory; saved to ${path.join(FABRIC_DIR, 'messaging')} on Ctrl-C)`);
  if (fabric.restored && (fabric.restored.objects || fabric.restored.messages)) {
    console.log(`  restored              ${fabric.restored.objects} object(s) and ${fabric.restored.messages} queued message(s) from the last run`);
  }
  console.log(`  tables                ${Object.values(fabric.resources.tables).join(', ')}`);
  console.log(`  buckets               ${Object.values(fabric.resources.buckets).join(', ')}`);
  console.log(`  event topic (bus)     ${fabric.resources.topicArn}`);
  console.log(`  ERP (Business Central) ${process.env.FABRIC_ERP_API_URL}${process.env.FABRIC_ERP_API_URL === fabric.erp.apiRoot ? '   (local simulator)' : ''}`);
  console.log(`  queues                ${Object.entries(fabric.resources.queues).map(([rule]) => `${rule} (+dlq)`).join(', ')}`);
  if (fabric.developmentSecrets.length) {
    console.log(`  webhook secrets       development defaults for ${fabric.developmentSecrets.join(', ')} (set FABRIC_SECRET_<CHANNEL> to override)`);
  }
  console.log('\nSending sample traffic...\n');
  // Loaded only now: the adapters it uses read their configuration when first loaded, and the
  // runtime has just set it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { sendSampleTraffic } = require('./sample/sample-traffic') as typeof import('./sample/sample-traffic');
  await sendSampleTraffic(fabric.apiUrl, (line) => console.log(`  ${line}`), fabric.channelApis);
  console.log('\nThe fabric keeps running. Try the README curl examples; Ctrl-C stops it.\n');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the local fabric...');
    await fabric.stop();
    removeRuntimeDescription();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(`npm start failed: ${(error as Error).message}`);
  process.exit(1);
});
