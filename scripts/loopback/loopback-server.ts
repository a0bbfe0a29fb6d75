import type { Server } from 'node:http';

/**
 * Starts `server` on `host`:`port` (0 picks a free port) and answers its base URL.
 *
 * Idle keep-alive connections are left for the client to close. Node's server closes them after 5 s
 * and fetch's pool after 4 s: on a loaded machine the server's timer won the race now and then, and
 * a request sent on the socket it had just closed failed with ECONNRESET.
 */
export async function listenOnLoopback(server: Server, port: number, host = '127.0.0.1'): Promise<string> {
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return `http://${host}:${typeof address === 'object' && address ? address.port : port}`;
}

/** Stops `server` at once: keep-alive connections would otherwise hold a test run open. */
export async function closeNow(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
