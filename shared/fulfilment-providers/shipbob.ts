import * as z from '#domain/kernel/schema';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { FulfilmentRequest, ProviderShipment, ThirdPartyFulfilment } from '#domain/fulfilment';
import type { Order } from '#domain/kernel/order';
import { PermanentError, TransientError } from '#domain/kernel/errors';

/**
 * ShipBob's Orders API 1.0 as ShipBob documents it (developer.shipbob.com, "Create Order" and "Get
 * Order"): `POST /1.0/order` with a Bearer personal access token and the `shipbob_channel_id` header,
 * `reference_id` unique per account (our request id, so a second create is refused and the order is
 * found by `GET /1.0/order?ReferenceIds=`), and `GET /1.0/order/{id}` whose `shipments` carry the
 * tracking once a shipment has left (status Completed). Locally the stub in
 * scripts/channel-stubs/shipbob-stub.ts plays it.
 */

/** Production; locally and in tests FABRIC_SHIPBOB_API_URL points at the stub. */
export const SHIPBOB_API_URL = 'https://api.shipbob.com';
export const SHIPBOB_API_URL_ENV = 'FABRIC_SHIPBOB_API_URL';
/** Locally: the credentials JSON itself. In AWS: the name of the secret holding it (`fabric/3pl/shipbob`). */
export const SHIPBOB_CREDENTIALS_ENV = 'FABRIC_SHIPBOB_CREDENTIALS';
export const SHIPBOB_CREDENTIALS_NAME_ENV = 'FABRIC_SHIPBOB_CREDENTIALS_NAME';
/** The Secrets Manager secret holding ShipBob's credentials in each region that runs a ShipBob warehouse. */
export const SHIPBOB_CREDENTIALS_SECRET_NAME = 'fabric/3pl/shipbob';

export const ShipBobCredentials = z.object({
  /** A personal access token (ShipBob dashboard, Integrations > API Tokens). */
  personalAccessToken: z.string().check(z.minLength(1)),
  /** The channel whose scopes include orders_write (GET /1.0/channel). */
  channelId: z.string().check(z.minLength(1)),
});
export type ShipBobCredentials = z.infer<typeof ShipBobCredentials>;

/** The development credentials the local stub accepts. */
export const DEVELOPMENT_SHIPBOB_CREDENTIALS: ShipBobCredentials = {
  personalAccessToken: 'shipbob-dev-pat',
  channelId: '100102',
};

/** The parts of ShipBob's order answer the fabric reads. */
const ShipBobOrder = z.object({
  id: z.number(),
  reference_id: z.string(),
  status: z.string(),
  shipments: z._default(
    z.array(
      z.object({
        id: z.number(),
        status: z.string(),
        actual_fulfillment_date: z.nullish(z.string()),
        tracking: z.nullish(
          z.object({ carrier: z.string().check(z.minLength(1)), tracking_number: z.string().check(z.minLength(1)) }),
        ),
        products: z.array(
          z.object({
            reference_id: z.string(),
            inventory_items: z.optional(z.array(z.object({ quantity: z.number().check(z.int()) }))),
            quantity: z.optional(z.number().check(z.int())),
          }),
        ),
      }),
    ),
    [],
  ),
});

/** ShipBob refused the request (credentials, an address, an unknown product): retrying changes nothing, a person must look. */
export class ShipBobApiError extends PermanentError {
  override name = 'ShipBobApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** ShipBob is throttling (429) or failing (5xx): the same request is retried later. */
export class ShipBobUnavailableError extends TransientError {
  override name = 'ShipBobUnavailableError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class ShipBobClient implements ThirdPartyFulfilment {
  constructor(
    private readonly credentials: () => Promise<ShipBobCredentials>,
    private readonly baseUrl: string = SHIPBOB_API_URL,
    private readonly send: typeof fetch = fetch,
  ) {}

  /**
   * Creates the order once per request id. A second create of the same reference_id is refused by
   * ShipBob (422), and the order already there is looked up by its reference id instead.
   */
  async createOrder(request: FulfilmentRequest, order: Order): Promise<{ providerOrderId: string }> {
    const address = order.shippingAddress;
    const body = {
      reference_id: request.requestId,
      order_number: order.channelOrderNumber ?? order.channelOrderId,
      type: 'DTC',
      shipping_method: order.shipping[0]?.method ?? 'Standard',
      purchase_date: order.placedAt,
      recipient: {
        name: address?.name ?? order.customer?.name ?? order.channelOrderId,
        email: order.customer?.email,
        address: {
          address1: address?.line1 ?? '',
          address2: address?.line2,
          city: address?.city ?? '',
          state: address?.region,
          zip_code: address?.postalCode,
          country: address?.countryCode ?? '',
        },
      },
      products: request.lines.map((line) => ({
        reference_id: line.sku,
        name: order.lines.find((orderLine) => orderLine.lineId === line.lineId)?.title ?? line.sku,
        quantity: line.quantity,
        external_line_id: line.lineId,
      })),
    };
    try {
      const created = ShipBobOrder.parse(await this.call('POST', '/1.0/order', body));
      return { providerOrderId: String(created.id) };
    } catch (error) {
      if (!(error instanceof ShipBobApiError) || error.status !== 422) throw error;
      const found = z
        .array(ShipBobOrder)
        .parse(await this.call('GET', `/1.0/order?ReferenceIds=${encodeURIComponent(request.requestId)}`));
      if (!found[0]) throw error;
      return { providerOrderId: String(found[0].id) };
    }
  }

  /** The shipments ShipBob has completed for its order, with carrier, tracking and units per SKU. */
  async shipmentsOf(providerOrderId: string): Promise<ProviderShipment[]> {
    const order = ShipBobOrder.parse(await this.call('GET', `/1.0/order/${encodeURIComponent(providerOrderId)}`));
    return order.shipments.flatMap((shipment) =>
      shipment.status === 'Completed' && shipment.tracking
        ? [
            {
              shipmentId: String(shipment.id),
              carrier: shipment.tracking.carrier,
              trackingNumber: shipment.tracking.tracking_number,
              shippedAt: shipment.actual_fulfillment_date ?? new Date().toISOString(),
              lines: shipment.products.map((product) => ({
                sku: product.reference_id,
                quantity:
                  product.quantity ?? (product.inventory_items ?? []).reduce((sum, item) => sum + item.quantity, 0),
              })),
            },
          ]
        : [],
    );
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const { personalAccessToken, channelId } = await this.credentials();
    const response = await this.send(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${personalAccessToken}`,
        shipbob_channel_id: channelId,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    const answered = `ShipBob answered ${response.status} to ${method} ${path.split('?')[0]}`;
    if (response.status === 429 || response.status >= 500) throw new ShipBobUnavailableError(response.status, answered);
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // An error page in HTML names nothing more than its status; an OK answer that is not JSON is ShipBob's fault.
      if (response.ok) throw new ShipBobUnavailableError(response.status, `${answered} with a body that is not JSON`);
      parsed = text.slice(0, 500);
    }
    if (!response.ok) throw new ShipBobApiError(response.status, answered, parsed);
    return parsed;
  }
}

/**
 * The client as a function builds it: the stub's URL and development credentials locally
 * (FABRIC_SHIPBOB_CREDENTIALS holds the JSON), the production API and the secret named by
 * FABRIC_SHIPBOB_CREDENTIALS_NAME in AWS, read through Powertools and cached five minutes.
 */
export function shipBobClientFromEnv(env: NodeJS.ProcessEnv = process.env): ShipBobClient {
  const credentials = async (): Promise<ShipBobCredentials> => {
    const local = env[SHIPBOB_CREDENTIALS_ENV];
    const secretName = env[SHIPBOB_CREDENTIALS_NAME_ENV];
    const raw = local ?? (secretName ? await getSecret<string>(secretName, { maxAge: 300 }) : undefined);
    if (!raw)
      throw new Error(`no ShipBob credentials: set ${SHIPBOB_CREDENTIALS_ENV} or ${SHIPBOB_CREDENTIALS_NAME_ENV}`);
    return ShipBobCredentials.parse(typeof raw === 'string' ? JSON.parse(raw) : raw);
  };
  return new ShipBobClient(credentials, env[SHIPBOB_API_URL_ENV] ?? SHIPBOB_API_URL);
}
