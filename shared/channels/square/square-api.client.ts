import * as z from '#domain/kernel/schema';
import type { ChannelApiCredentials } from '../channel-credentials';
import { TokenBucket, channelRequest, type ChannelHttpOptions } from '../channel-http';
import type { OrderSource } from '#domain/intake/order-fetch';
import { formatIssues } from '#domain/kernel/validation';
import { squareOrderMapper } from './square-order.mapper';
import { SquareRetrieveOrderResponse, type SquareOrder } from './square-order.schema';

export const SQUARE_PRODUCTION_URL = 'https://connect.squareup.com';
/** The Square API version the schema was written against; Square answers in the version the request names. */
export const SQUARE_VERSION = '2025-10-16';

const SquareCredentials = z.object({ accessToken: z.string().check(z.minLength(1)) });

/**
 * Square's Orders API (RetrieveOrder, SearchOrders) and Locations API (ListLocations), authenticated
 * with the seller's OAuth access token. Square documents no fixed request rate, only 429 answers when
 * an application sends too much: the bucket keeps a steady 10 requests/s per container and 429s wait
 * and retry.
 */
export class SquareOrdersApi {
  private readonly http: ChannelHttpOptions;

  constructor(
    private readonly baseUrl: string,
    private readonly credentials: ChannelApiCredentials,
    http: Partial<ChannelHttpOptions> = {},
  ) {
    this.http = { channel: 'square', bucket: new TokenBucket(10, 20), ...http };
  }

  /** GET /v2/orders/{order_id}: the raw answer, `{ order }`. Throws ChannelApiError for a non-2xx answer. */
  async retrieveOrder(orderId: string): Promise<unknown> {
    return this.send('GET', `/v2/orders/${encodeURIComponent(orderId)}`);
  }

  /** POST /v2/orders/search (SearchOrders) with the request as Square documents it: the raw answer, `{ orders, cursor }`. */
  async searchOrders(request: unknown): Promise<unknown> {
    return this.send('POST', '/v2/orders/search', request);
  }

  /** GET /v2/locations (ListLocations): the raw answer, `{ locations }`, every location of the seller. */
  async listLocations(): Promise<unknown> {
    return this.send('GET', '/v2/locations');
  }

  private async send(method: string, path: string, body?: unknown): Promise<unknown> {
    const { accessToken } = await this.credentials.credentialsFor('square', SquareCredentials);
    return channelRequest(
      `${this.baseUrl}${path}`,
      {
        method,
        headers: {
          authorization: `Bearer ${accessToken}`,
          'square-version': SQUARE_VERSION,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      this.http,
    );
  }
}

/** Square orders fetched by the id an order.* event named; a DRAFT order is not an order yet. */
export function squareOrderSource(api: SquareOrdersApi): OrderSource<SquareOrder> {
  return {
    channel: 'square',
    mapper: squareOrderMapper,
    async fetchOrder(notice) {
      return this.readAnswer(await api.retrieveOrder(notice.channelOrderId), notice);
    },
    readAnswer(raw) {
      const parsed = SquareRetrieveOrderResponse.safeParse(raw);
      if (!parsed.success) return { kind: 'invalid', issues: formatIssues(parsed.error), raw };
      if (parsed.data.order.state === 'DRAFT') return { kind: 'not_ready', reason: 'the order is a DRAFT', raw };
      return { kind: 'order', payload: parsed.data.order, raw };
    },
  };
}
