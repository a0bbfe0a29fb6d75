import { DEVELOPMENT_API_CREDENTIALS } from '#shared/channels/channel-credentials';
import { SHOPIFY_ADMIN_API_VERSION } from '#shared/channels/shopify/inventory-api';
import { currencyExponent } from '#domain/kernel/money';
import type { StubAnswer, StubRequest } from './channel-api-stub';
import {
  AMAZON_LISTINGS_ITEM,
  amazonCallRefused,
  amazonInvalid,
  skuOfSquareVariation,
  squareError,
  squareVariation,
  walmartCallRefused,
  walmartError,
} from './outbound-channel-stub';

/** One price as a channel holds it after a push, with when the stub received it. */
export interface StubChannelPrice {
  price: string;
  /** Shopify compareAtPrice, WooCommerce regular_price and Amazon our_price (with price the sale or discounted price), eBay: absent. */
  regularPrice?: string | null;
  currency?: string;
  receivedAt: string;
}

/**
 * The channels' price endpoints, in their documented shapes, keeping the last price per listing:
 * - Shopify GraphQL Admin productVariantsBulkUpdate (keyed by variant GID);
 * - eBay Sell Inventory bulk_update_price_quantity with offers[].price (keyed by offer id);
 * - WooCommerce PUT wc/v3/products/{id}[/variations/{id}] with regular_price/sale_price (keyed by that path);
 * - Walmart PUT /v3/price, the BASE currentPrice as a number in major units (keyed by SKU);
 * - Square RetrieveCatalogObject and UpsertCatalogObject of an item variation, price_money in minor
 *   units, the object's version checked and moved on (keyed by variation id);
 * - Amazon Listings Items v2021-08-01 patchListingsItem of purchasable_offer: our_price, and
 *   discounted_price while a sale runs (null deletes it), numbers in major units, answered ACCEPTED or
 *   INVALID with issues (keyed by seller SKU).
 * It answers only price requests; everything else falls through to the other stub routes.
 */
export class PriceChannelStub {
  readonly shopify = new Map<string, StubChannelPrice>();
  readonly ebay = new Map<string, StubChannelPrice>();
  readonly woocommerce = new Map<string, StubChannelPrice>();
  readonly walmart = new Map<string, StubChannelPrice>();
  readonly square = new Map<string, StubChannelPrice & { version: number; amountMinor: number }>();
  readonly amazon = new Map<string, StubChannelPrice & { saleEndsAt?: string }>();

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
    if (request.method === 'PUT' && path === '/v3/price') return this.walmartPrice(request);
    const variation = /^\/v2\/catalog\/object\/([^/]+)$/.exec(path);
    if ((request.method === 'GET' && variation) || (request.method === 'POST' && path === '/v2/catalog/object'))
      return this.squarePrice(request, variation ? decodeURIComponent(variation[1]) : undefined);
    const amazonItem = AMAZON_LISTINGS_ITEM.exec(path);
    if (request.method === 'PATCH' && amazonItem && request.body.includes('/attributes/purchasable_offer'))
      return this.amazonPrice(request, decodeURIComponent(amazonItem[2]));
    return undefined;
  }

  private amazonPrice(request: StubRequest, sku: string): StubAnswer {
    const refused = amazonCallRefused(request, this.isIssuedToken);
    if (refused) return refused;
    type Schedule = { schedule?: { value_with_tax?: unknown; end_at?: string }[] }[];
    const { productType, patches } = JSON.parse(request.body) as {
      productType?: string;
      patches?: {
        op: string;
        path: string;
        value?: {
          marketplace_id?: string;
          currency?: string;
          our_price?: Schedule;
          discounted_price?: Schedule | null;
        }[];
      }[];
    };
    const patch = patches?.find((candidate) => candidate.path === '/attributes/purchasable_offer');
    const offer = patch?.value?.[0];
    // A number in major units with no more decimals than the currency has (24.99, not 24.989999).
    const decimal = (schedule: Schedule | null | undefined) => {
      const value = schedule?.[0]?.schedule?.[0]?.value_with_tax;
      if (typeof value !== 'number' || !offer?.currency) return undefined;
      const text = value.toFixed(currencyExponent(offer.currency));
      return Number(text) === value ? text : undefined;
    };
    const price = decimal(offer?.our_price);
    const discounted = offer?.discounted_price ? decimal(offer.discounted_price) : undefined;
    if (
      !productType ||
      !['merge', 'replace'].includes(patch?.op ?? '') ||
      offer?.marketplace_id !== DEVELOPMENT_API_CREDENTIALS.amazon!.marketplaceId ||
      !price ||
      (offer.discounted_price && !discounted)
    )
      return amazonInvalid(
        sku,
        'purchasable_offer needs the marketplace_id, a currency and our_price (and any discounted_price) as value_with_tax numbers in its minor units',
      );
    this.amazon.set(sku, {
      price: discounted ?? price,
      regularPrice: discounted ? price : null,
      currency: offer.currency,
      ...(discounted ? { saleEndsAt: offer.discounted_price?.[0]?.schedule?.[0]?.end_at } : {}),
      receivedAt: new Date().toISOString(),
    });
    return { status: 200, body: { sku, status: 'ACCEPTED', submissionId: `stub-${Date.now()}`, issues: [] } };
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

  private walmartPrice(request: StubRequest): StubAnswer {
    const refused = walmartCallRefused(request, this.isIssuedToken);
    if (refused) return refused;
    const { sku, pricing } = JSON.parse(request.body) as {
      sku?: string;
      pricing?: { currentPriceType?: string; currentPrice?: { currency?: string; amount?: unknown } }[];
    };
    const current = pricing?.[0]?.currentPrice;
    if (!sku || pricing?.[0]?.currentPriceType !== 'BASE' || typeof current?.amount !== 'number' || !current.currency)
      return walmartError(
        400,
        'INVALID_REQUEST_CONTENT.GMP_PRICE_API',
        'sku and a BASE currentPrice {currency, amount} are required',
      );
    this.walmart.set(sku, {
      price: current.amount.toFixed(2),
      currency: current.currency,
      receivedAt: new Date().toISOString(),
    });
    return {
      status: 200,
      body: { ItemPriceResponse: { mart: 'WALMART_US', sku, message: 'Thank you. Your price has been updated.' } },
    };
  }

  private squarePrice(request: StubRequest, variationId: string | undefined): StubAnswer {
    if (request.headers.authorization !== `Bearer ${DEVELOPMENT_API_CREDENTIALS.square!.accessToken}`)
      return squareError(401, 'UNAUTHORIZED', 'This request could not be authorized.');
    const current = (id: string) => {
      const held = this.square.get(id);
      const sku = skuOfSquareVariation(id);
      return squareVariation(sku, held?.version ?? 1, held && { amount: held.amountMinor, currency: held.currency! });
    };
    if (variationId) return { status: 200, body: { object: current(variationId) } };
    const { idempotency_key: key, object } = JSON.parse(request.body) as {
      idempotency_key?: string;
      object?: {
        type: string;
        id: string;
        version?: number;
        item_variation_data?: { price_money?: { amount: unknown; currency: string } };
      };
    };
    if (!key) return squareError(400, 'MISSING_REQUIRED_PARAMETER', 'Field must be set', 'idempotency_key');
    const money = object?.item_variation_data?.price_money;
    if (object?.type !== 'ITEM_VARIATION' || !Number.isInteger(money?.amount))
      return squareError(
        400,
        'INVALID_VALUE',
        'an ITEM_VARIATION with integer price_money.amount is required',
        'object',
      );
    const stored = current(object.id);
    if (object.version !== stored.version)
      return squareError(
        400,
        'VERSION_MISMATCH',
        'Object version does not match latest database version.',
        'object.version',
      );
    const amountMinor = money!.amount as number;
    const version = stored.version + 1;
    this.square.set(object.id, {
      price: (amountMinor / 100).toFixed(2),
      currency: money!.currency,
      amountMinor,
      version,
      receivedAt: new Date().toISOString(),
    });
    return { status: 200, body: { catalog_object: current(object.id), id_mappings: [] } };
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
