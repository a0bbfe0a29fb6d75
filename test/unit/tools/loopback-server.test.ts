import { Agent, createServer, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeNow, listenOnLoopback } from '../../../scripts/loopback/loopback-server';

function get(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

describe('local servers on loopback', () => {
  // Node's default closed an idle connection after 5 s, while a client could still pick it for its
  // next request: that request then failed with ECONNRESET on a loaded machine.
  test('leave an idle keep-alive connection open for the client to reuse or close', async () => {
    const server = createServer((_, response) => response.end('ok'));
    let connections = 0;
    server.on('connection', () => {
      connections += 1;
    });
    const url = await listenOnLoopback(server, 0);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(await get(url, agent)).toBe(200);
      await sleep(6_000);
      expect(await get(url, agent)).toBe(200);
      expect(connections).toBe(1);
    } finally {
      agent.destroy();
      await closeNow(server);
    }
  }, 30_000);
});
