import {
  ShipBobApiError,
  ShipBobClient,
  ShipBobUnavailableError,
  DEVELOPMENT_SHIPBOB_CREDENTIALS,
} from '#shared/fulfilment-providers/shipbob';
import { PermanentError, TransientError } from '#domain/kernel/errors';
import type { FulfilmentRequest } from '#domain/fulfilment';
import { ShipBobStub } from '../../../scripts/channel-stubs/shipbob-stub';
import { balancedOrder } from '../builders';

const order = balancedOrder({
  shippingAddress: { name: 'Ada Lovelace', line1: '100 N Racine Ave', city: 'Chicago', countryCode: 'US' },
});
const request = {
  requestId: `${order.orderId}.wh-bob.1`,
  lines: [{ lineId: '1', sku: 'APP-TSHIRT-RED-M', quantity: 2 }],
} as FulfilmentRequest;

/** The client talking to the stub in process: each fetch is answered by the stub's router. */
function clientOf(stub: ShipBobStub, credentials = DEVELOPMENT_SHIPBOB_CREDENTIALS) {
  const send = (async (url: string, init: RequestInit) => {
    const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>));
    const answer = stub.route({
      method: init.method ?? 'GET',
      url: new URL(url),
      headers,
      body: String(init.body ?? ''),
    });
    return new Response(answer ? JSON.stringify(answer.body) : '', { status: answer?.status ?? 404 });
  }) as typeof fetch;
  return new ShipBobClient(async () => credentials, 'http://shipbob.local', send);
}

describe('the ShipBob client', () => {
  it('creates one ShipBob order per request id: a second create finds the first by its reference id', async () => {
    const stub = new ShipBobStub();
    const client = clientOf(stub);

    const first = await client.createOrder(request, order);
    const second = await client.createOrder(request, order);

    expect(second).toEqual(first);
    expect(stub.orders.size).toBe(1);
    expect(stub.byReference(request.requestId)).toMatchObject({
      reference_id: request.requestId,
      shipping_method: 'Standard Shipping',
      recipient: { name: 'Ada Lovelace', address: { address1: '100 N Racine Ave', city: 'Chicago', country: 'US' } },
      products: [{ reference_id: 'APP-TSHIRT-RED-M', quantity: 2 }],
    });
  });

  it('reads no shipment until ShipBob ships, then its carrier, tracking number and units', async () => {
    const stub = new ShipBobStub();
    const client = clientOf(stub);
    const { providerOrderId } = await client.createOrder(request, order);

    const before = await client.shipmentsOf(providerOrderId);
    stub.ship(request.requestId, { carrier: 'USPS', trackingNumber: '9400100000000000000001' });
    const after = await client.shipmentsOf(providerOrderId);

    expect(before).toEqual([]);
    expect(after).toEqual([
      expect.objectContaining({
        carrier: 'USPS',
        trackingNumber: '9400100000000000000001',
        lines: [{ sku: 'APP-TSHIRT-RED-M', quantity: 2 }],
      }),
    ]);
  });

  it('throws ShipBobApiError with the status when ShipBob refuses the credentials', async () => {
    const client = clientOf(new ShipBobStub(), { personalAccessToken: 'wrong', channelId: '100102' });

    const error = await client.createOrder(request, order).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ShipBobApiError);
    expect((error as ShipBobApiError).status).toBe(401);
  });

  it('tells a refusal (a person must look) from a throttle or an outage (retried), even behind an HTML error page', async () => {
    const answering = (status: number, body: string) =>
      new ShipBobClient(
        async () => DEVELOPMENT_SHIPBOB_CREDENTIALS,
        'http://shipbob.local',
        (async () => new Response(body, { status })) as typeof fetch,
      );

    const refused = await answering(400, '{"address":["is not deliverable"]}')
      .createOrder(request, order)
      .catch((e: unknown) => e);
    const throttled = await answering(429, '')
      .createOrder(request, order)
      .catch((e: unknown) => e);
    const down = await answering(502, '<html><body>Bad Gateway</body></html>')
      .createOrder(request, order)
      .catch((e: unknown) => e);

    expect(refused).toBeInstanceOf(PermanentError);
    expect(refused).toMatchObject({ status: 400, body: { address: ['is not deliverable'] } });
    expect(throttled).toBeInstanceOf(TransientError);
    expect(throttled).toMatchObject({ name: 'ShipBobUnavailableError', status: 429 });
    expect(down).toBeInstanceOf(ShipBobUnavailableError);
    expect(down).toMatchObject({ status: 502, message: 'ShipBob answered 502 to POST /1.0/order' });
  });
});
