// Usage: node fauxqs-server.mjs <port> [data directory]
//
// Starts fauxqs (SQS, SNS, S3) for the local fabric: quiet, and durable in the data directory when
// given (SQLite, written through on every change). Its own server entry logs every request and its
// CLI ignores the data directory. It stops with the runtime that started it, as tethered.cjs explains.
import { startFauxqs } from 'fauxqs';

const [port, dataDir] = process.argv.slice(2);
const server = await startFauxqs({
  port: Number(port),
  host: '127.0.0.1',
  logger: false,
  ...(dataDir ? { dataDir } : {}),
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(0), 3000).unref();
  await server.stop();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
