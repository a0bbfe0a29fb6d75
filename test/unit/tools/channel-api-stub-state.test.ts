import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ChannelApiStub } from '../../../scripts/channel-stubs/channel-api-stub';

describe('the channel API stub with a state file', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'channel-stub-'));
  const stateFile = path.join(directory, 'channels', 'channel-apis.json');
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  test('keeps what the channels hold across a restart, as the real channels would', async () => {
    const before = new ChannelApiStub({ stateFile });
    before.outbound.addOrder('shopify', '5600000000001', { lines: [{ lineId: '1', quantity: 1 }] });
    before.outbound.setListed('shopify', 'APP-TSHIRT-001-RED-M', 42);
    before.square.orders.set('SQ1', { id: 'SQ1', state: 'OPEN' });
    await before.start();
    try {
      // Any request saves: here one the stub does not know.
      expect((await fetch(`${before.url}/nowhere`)).status).toBe(404);
    } finally {
      await before.stop();
    }

    const after = new ChannelApiStub({ stateFile });
    expect(after.outbound.orders.get('shopify')?.get('5600000000001')).toEqual({
      lines: [{ lineId: '1', quantity: 1 }],
    });
    expect(after.outbound.listedQuantity('shopify', 'APP-TSHIRT-001-RED-M')).toBe(42);
    expect(after.square.orders.get('SQ1')).toEqual({ id: 'SQ1', state: 'OPEN' });
    // What one run asked is that run's record, not the channel's.
    expect(after.requests).toEqual([]);
  });

  test('starts empty without a state file', () => {
    expect(new ChannelApiStub().outbound.orders.size).toBe(0);
  });
});
