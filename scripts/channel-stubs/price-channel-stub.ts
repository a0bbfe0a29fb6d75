import { DEVELOPMENT_API_CREDENTIALS } from '#shared/channels/channel-credentials';
import { SHOPIFY_ADMIN_API_VERSION } from '#shared/channels/shopify/inventory-api';
import type { StubAnswer, StubRequest } from './channel-api-stub';

/** One price as a channel holds it after a push, with when the stub received it. */
export interface StubChannelPrice {
  price: string;
  /** Shopify compareAtPrice, WooCommerce regular_price (with price the sale_price), eBay: absent. */
  regularPrice?: string | null;
  currency?: string;
  receivedAt: string;
}

/**
 * The channels' price endpoints, in their documented shapes, keeping the last price per listing:
 * - Shopify GraphQL Admin productVariantsBulkUpdate (keyed by variant GID);
 * - eBay Sell Inventory bulk_update_price_quantity with offers[].price (keyed by offer id);
 * - WooCommerce PUT wc/v3/products/{id}[/variations/{id}] with regular_price/sale_price (keyed by that path).
 * It answers only price requests; everything else falls through to the other stub routes.
 */
export class PriceChannelStub {
  readonly shopify = new Map<string, StubChannelPrice>();
  readonly ebay = new Map<string, StubChannelPrice>();
  readonly woocommerce = new Map<string, StubChannelPrice>();

  constructor(private readonly isIssuedToken: (token: string) => boolean) {}

  route(request: StubRequest): StubAnswer | undefined {
    const path = request.url.pathname;
    if (
      request.method === 'POST' &&
      path === `/admin/api/${SHOPIFY_ADMIN_API_VERSION}/graphql.json` &&
      request.body.includes('productVariantsBulkUpdate')
    )
      return this.shopifyPrices(request);
    if (
      request.method === 'POST' &&
      path === '/sell/inventory/v1/bulk_update_price_quantity' &&
      /"price"\s*:/.test(request.body)
    )
      return this.ebayPrices(request);
    const woo = /^\/wp-json\/wc\/v3(\/products\/\d+(?:\/variations\/\d+)?)$/.exec(path);
    if (request.method === 'PUT' && woo) return this.woocommercePrice(request, woo[1]);
    return undefined;
  }

  private shopifyPrices(request: StubRequest): StubAnswer {
    if (request.headers['x-shopify-access-token'] !== DEVELOPMENT_API_CREDENTIALS.shopify!.accessToken)
      return {
        status: 401,
        body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' },
      };
    const { variables } = JSON.parse(request.body) as {
      variables: { productId: string; variants: { id: string; price: string; compareAtPrice: string | null }[] };
    };
    const receivedAt = new Date().toISOString();
    for (const variant of variables.variants)
      this.shopify.set(variant.id, { price: variant.price, regularPrice: variant.compareAtPrice, receivedAt });
    return {
      status: 200,
      body: {
        data: {
          productVariantsBulkUpdate: {
            productVariants: variables.variants.map(({ id, price, compareAtPrice }) => ({ id, price, compareAtPrice })),
            userErrors: [],
          },
        },
      },
    };
  }

  private ebayPrices(request: StubRequest): StubAnswer {
    if (!this.isIssuedToken(String(request.headers.authorization).replace(/^Bearer /, '')))
      return { status: 401, body: { errors: [{ errorId: 1001, message: 'Invalid access token' }] } };
    const { requests } = JSON.parse(request.body) as {
      requests: { sku: string; offers: { offerId: string; price: { value: string; currency: string } }[] }[];
    };
    const receivedAt = new Date().toISOString();
    const responses = requests.flatMap((item) =>
      item.offers.map((offer) => {
        this.ebay.set(offer.offerId, { price: offer.price.value, currency: offer.price.currency, receivedAt });
        return { offerId: offer.offerId, sku: item.sku, statusCode: 200 };
      }),
    );
    return { status: 200, body: { responses } };
  }

  private woocommercePrice(request: StubRequest, path: string): StubAnswer {
    const dev = DEVELOPMENT_API_CREDENTIALS.woocommerce!;
    if (
      request.headers.authorization !==
      `Basic ${Buffer.from(`${dev.consumerKey}:${dev.consumerSecret}`).toString('base64')}`
    ) {
      return {
        status: 401,
        body: {
          code: 'woocommerce_rest_cannot_edit',
          message: 'Sorry, you are not allowed to edit this resource.',
          data: { status: 401 },
        },
      };
    }
    const body = JSON.parse(request.body) as { regular_price?: string; sale_price?: string };
    const price = body.sale_price || body.regular_price || '';
    this.woocommerce.set(path, {
      price,
      regularPrice: body.regular_price ?? null,
      receivedAt: new Date().toISOString(),
    });
    const id = Number(path.split('/').pop());
    return {
      status: 200,
      body: { id, regular_price: body.regular_price ?? '', sale_price: body.sale_price ?? '', price },
    };
  }
}
