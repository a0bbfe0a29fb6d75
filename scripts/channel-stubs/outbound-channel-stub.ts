import { DEVELOPMENT_API_CREDENTIALS } from '#shared/channels/channel-credentials';
import { SHOPIFY_ADMIN_API_VERSION } from '#shared/channels/shopify/inventory-api';
import type { SalesChannel } from '#domain/kernel/order';
import type { StubAnswer, StubRequest } from './channel-api-stub';

/** A channel order as the stub's fulfilment endpoints know it: line ids and quantities. */
export interface StubChannelOrder {
  lines: { lineId: string; quantity: number }[];
  /** The channel's id of the store a pickup order is collected at (Shopify's location id); absent: it ships. */
  pickupLocationId?: string;
}

/**
 * The outbound half of the channel API stub: the inventory and fulfilment endpoints the fabric calls
 * to publish availability and confirm shipments, in each channel's documented shapes:
 * - Shopify GraphQL Admin (POST /admin/api/{version}/graphql.json): inventoryItems by SKU with the
 *   location's "available", inventorySetQuantities (changeFromQuantity compare-and-swap, @idempotent
 *   key replayed), order fulfillmentOrders (a pickup order's delivered by PICK_UP at its store),
 *   fulfillmentCreate, metafieldsSet on an order (kept in `metafields`),
 *   fulfillmentOrderLineItemsPreparedForPickup (pickup fulfillment orders only),
 *   orderCancel and refundCreate (@idempotent key replayed, line items checked against the order);
 * - eBay Sell Inventory bulk_update_price_quantity and bulk_get_inventory_item (per-SKU answers), Sell
 *   Fulfillment createShippingFulfillment;
 * - WooCommerce wc/v3 products?sku=, products/batch, orders/{id}/notes, PUT orders/{id} (status) and
 *   POST orders/{id}/refunds;
 * - Amazon Listings Items v2021-08-01 patchListingsItem (fulfillment_availability) and getListingsItem,
 *   Orders v0 confirmShipment;
 * - Walmart PUT and GET /v3/inventory?sku=&shipNode= (the development ship node only) and POST
 *   /v3/orders/{purchaseOrderId}/shipping (lines checked against the order, never shipped twice);
 * - Square SearchCatalogObjects (exact_query on sku), BatchChangeInventory (PHYSICAL_COUNT at the
 *   development location, all or none, idempotency_key replayed), BatchRetrieveInventoryCounts, and
 *   UpdateOrder on the orders the stub serves (version checked, fulfillments merged by uid, the
 *   version moved on, idempotency_key replayed; a PICKUP fulfillment set PREPARED is a pickup ready).
 * Every SKU is listed on every channel the first time it is asked about (a shop listing the whole
 * catalogue) unless `delist` took it off. `received` keeps, per channel and SKU, every quantity set,
 * in arrival order; `shipments` every shipment confirmed; `pickups` every pickup told ready (a
 * WooCommerce customer note is one when the fabric's note says "Ready for pickup", the API having no
 * other mark); `cancellations` every order cancelled; `returns` every refund recorded.
 */
export class OutboundChannelStub {
  readonly listed = new Map<SalesChannel, Map<string, number>>();
  readonly received = new Map<SalesChannel, Map<string, number[]>>();
  readonly shipments: { channel: SalesChannel; channelOrderId: string; body: unknown }[] = [];
  readonly pickups: { channel: SalesChannel; channelOrderId: string; body: any }[] = [];
  /** Shopify metafields set on orders, by `{order id}#{namespace}.{key}`. */
  readonly metafields = new Map<string, string>();
  readonly cancellations: { channel: SalesChannel; channelOrderId: string; body: unknown }[] = [];
  readonly returns: { channel: SalesChannel; channelOrderId: string; body: any }[] = [];
  readonly orders = new Map<SalesChannel, Map<string, StubChannelOrder>>();
  private readonly delisted = new Set<string>();
  private readonly shopifyIdempotency = new Map<string, StubAnswer>();
  private readonly fulfilled = new Map<string, number>();
  private readonly squareIdempotency = new Map<string, StubAnswer>();

  /** `squareOrders`: the Square orders the stub serves to RetrieveOrder, which UpdateOrder changes in place. */
  constructor(
    private readonly isIssuedToken: (token: string) => boolean,
    private readonly squareOrders: Map<string, unknown> = new Map(),
  ) {}

  /** Quantities the channel received for a SKU, oldest first. */
  quantitiesSent(channel: SalesChannel, sku: string): number[] {
    return this.received.get(channel)?.get(sku) ?? [];
  }

  /** What the channel lists now for a SKU (undefined: not listed). */
  listedQuantity(channel: SalesChannel, sku: string): number | undefined {
    return this.listed.get(channel)?.get(sku);
  }

  /** Sets a listing's quantity as a merchant editing it by hand would (for drift). */
  setListed(channel: SalesChannel, sku: string, quantity: number): void {
    this.delisted.delete(`${channel}#${sku}`);
    this.channelMap(this.listed, channel).set(sku, quantity);
  }

  delist(channel: SalesChannel, sku: string): void {
    this.delisted.add(`${channel}#${sku}`);
    this.listed.get(channel)?.delete(sku);
  }

  addOrder(channel: SalesChannel, channelOrderId: string, order: StubChannelOrder): void {
    this.channelMap(this.orders, channel).set(channelOrderId, order);
  }

  /** Answers the outbound routes; undefined for any other request. */
  route(request: StubRequest): StubAnswer | undefined {
    const path = request.url.pathname;
    if (request.method === 'POST' && path === `/admin/api/${SHOPIFY_ADMIN_API_VERSION}/graphql.json`)
      return this.shopify(request);
    if (
      path.startsWith('/sell/inventory/v1/') ||
      (request.method === 'POST' && /^\/sell\/fulfillment\/v1\/order\/[^/]+\/shipping_fulfillment$/.test(path))
    )
      return this.ebay(request);
    if (path.startsWith('/wp-json/wc/v3/')) return this.woocommerce(request);
    if (
      path.startsWith('/listings/2021-08-01/items/') ||
      (request.method === 'POST' && /^\/orders\/v0\/orders\/[^/]+\/shipmentConfirmation$/.test(path))
    )
      return this.amazon(request);
    if (path === '/v3/inventory' || (request.method === 'POST' && /^\/v3\/orders\/[^/]+\/shipping$/.test(path)))
      return this.walmart(request);
    if (
      (request.method === 'POST' && SQUARE_OUTBOUND_PATHS.includes(path)) ||
      (request.method === 'PUT' && /^\/v2\/orders\/[^/]+$/.test(path))
    )
      return this.square(request);
    return undefined;
  }

  private walmart(request: StubRequest): StubAnswer {
    const refused = walmartCallRefused(request, this.isIssuedToken);
    if (refused) return refused;
    const body = request.body ? (JSON.parse(request.body) as Record<string, any>) : {};
    if (request.url.pathname === '/v3/inventory') {
      const sku = request.url.searchParams.get('sku') ?? '';
      const shipNode = request.url.searchParams.get('shipNode');
      if (shipNode !== DEVELOPMENT_API_CREDENTIALS.walmart!.shipNode)
        return walmartError(400, 'INVALID_REQUEST_PARAM.GMP_INVENTORY_API', `shipNode ${shipNode} is not the seller's`);
      if (!this.isListed('walmart', sku))
        return walmartError(404, 'CONTENT_NOT_FOUND.GMP_INVENTORY_API', `sku ${sku} is not set up`);
      if (request.method === 'GET')
        return { status: 200, body: { sku, quantity: { unit: 'EACH', amount: this.listedOrNew('walmart', sku) } } };
      const amount = body.quantity?.amount;
      if (
        request.method !== 'PUT' ||
        body.sku !== sku ||
        body.quantity?.unit !== 'EACH' ||
        !Number.isInteger(amount) ||
        amount < 0
      )
        return walmartError(
          400,
          'INVALID_REQUEST_CONTENT.GMP_INVENTORY_API',
          'sku and quantity {unit: EACH, amount} are required',
        );
      this.record('walmart', sku, amount);
      return { status: 200, body: { sku, quantity: { unit: 'EACH', amount } } };
    }
    const purchaseOrderId = decodeURIComponent(/^\/v3\/orders\/([^/]+)\//.exec(request.url.pathname)![1]);
    const order = this.orders.get('walmart')?.get(purchaseOrderId);
    if (!order)
      return walmartError(404, 'CONTENT_NOT_FOUND.GMP_ORDER_API', `purchaseOrderId ${purchaseOrderId} not found`);
    const lines = (body.orderShipment?.orderLines?.orderLine ?? []) as any[];
    const shipped = lines.map((line) => {
      const status = line.orderLineStatuses?.orderLineStatus?.[0];
      const orderLine = order.lines.find((candidate) => candidate.lineId === line.lineNumber);
      const key = `walmart#${purchaseOrderId}#${line.lineNumber}`;
      const quantity = Number(status?.statusQuantity?.amount);
      const tracking = status?.trackingInfo;
      const valid =
        orderLine &&
        status?.status === 'Shipped' &&
        status.statusQuantity.unitOfMeasurement === 'EACH' &&
        quantity > 0 &&
        quantity <= orderLine.quantity - (this.fulfilled.get(key) ?? 0) &&
        typeof tracking?.shipDateTime === 'number' &&
        (tracking.carrierName?.carrier || tracking.carrierName?.otherCarrier) &&
        tracking.methodCode &&
        tracking.trackingNumber;
      return { key, quantity, valid };
    });
    if (lines.length === 0 || shipped.some((line) => !line.valid))
      return walmartError(
        400,
        'INVALID_REQUEST_CONTENT.GMP_ORDER_API',
        'Unknown or already shipped line, or missing tracking',
      );
    for (const line of shipped) this.fulfilled.set(line.key, (this.fulfilled.get(line.key) ?? 0) + line.quantity);
    this.shipments.push({ channel: 'walmart', channelOrderId: purchaseOrderId, body });
    return { status: 200, body: { order: { purchaseOrderId, orderLines: body.orderShipment.orderLines } } };
  }

  private square(request: StubRequest): StubAnswer {
    const dev = DEVELOPMENT_API_CREDENTIALS.square!;
    if (request.headers.authorization !== `Bearer ${dev.accessToken}`)
      return squareError(401, 'UNAUTHORIZED', 'This request could not be authorized.');
    const body = JSON.parse(request.body || '{}') as Record<string, any>;
    const path = request.url.pathname;
    if (path === '/v2/catalog/search') {
      const exact = body.query?.exact_query;
      if (exact?.attribute_name !== 'sku') return squareError(400, 'BAD_REQUEST', 'the stub searches by sku only');
      const sku = String(exact.attribute_value);
      return this.isListed('square', sku)
        ? { status: 200, body: { objects: [squareVariation(sku)] } }
        : { status: 200, body: {} };
    }
    if (path === '/v2/inventory/counts/batch-retrieve') {
      const counts = (body.catalog_object_ids as string[])
        .map((id) => [id, skuOfSquareVariation(id)] as const)
        .filter(
          ([, sku]) => this.isListed('square', sku) && (body.location_ids ?? [dev.locationId]).includes(dev.locationId),
        )
        .map(([id, sku]) => ({
          catalog_object_id: id,
          catalog_object_type: 'ITEM_VARIATION',
          state: 'IN_STOCK',
          location_id: dev.locationId,
          quantity: String(this.listedOrNew('square', sku)),
          calculated_at: new Date().toISOString(),
        }));
      return { status: 200, body: { counts } };
    }
    const key = String(body.idempotency_key ?? '');
    if (!key) return squareError(400, 'MISSING_REQUIRED_PARAMETER', 'Field must be set', 'idempotency_key');
    const replay = this.squareIdempotency.get(`${path}#${key}`);
    if (replay) return replay;
    const answer =
      path === '/v2/inventory/changes/batch-create' ? this.squareCounts(body) : this.squareUpdateOrder(path, body);
    if (answer.status === 200) this.squareIdempotency.set(`${path}#${key}`, answer);
    return answer;
  }

  private squareCounts(body: Record<string, any>): StubAnswer {
    const changes = (body.changes ?? []) as { type: string; physical_count?: Record<string, string> }[];
    if (changes.length < 1 || changes.length > 100)
      return squareError(400, 'INVALID_ARRAY_LENGTH', 'changes must hold 1 to 100 entries', 'changes');
    const refused = changes.flatMap(({ type, physical_count: count }, i) =>
      type !== 'PHYSICAL_COUNT' ||
      count?.location_id !== DEVELOPMENT_API_CREDENTIALS.square!.locationId ||
      count.state !== 'IN_STOCK' ||
      !/^\d+$/.test(count.quantity ?? '') ||
      !count.occurred_at ||
      !this.isListed('square', skuOfSquareVariation(count.catalog_object_id ?? ''))
        ? [
            {
              category: 'INVALID_REQUEST_ERROR',
              code: 'INVALID_VALUE',
              detail: 'Invalid physical count',
              field: `changes[${i}].physical_count`,
            },
          ]
        : [],
    );
    // BatchChangeInventory applies all of a call's changes or none of them, naming each it refused.
    if (refused.length > 0) return { status: 400, body: { errors: refused } };
    const counts = changes.map(({ physical_count: count }) => {
      this.record('square', skuOfSquareVariation(count!.catalog_object_id), Number(count!.quantity));
      return { ...count, catalog_object_type: 'ITEM_VARIATION', calculated_at: new Date().toISOString() };
    });
    return { status: 200, body: { counts, changes } };
  }

  private squareUpdateOrder(path: string, body: Record<string, any>): StubAnswer {
    const orderId = decodeURIComponent(path.replace('/v2/orders/', ''));
    const order = this.squareOrders.get(orderId) as { version: number; fulfillments?: { uid: string }[] } | undefined;
    if (!order) return squareError(404, 'NOT_FOUND', `Order with id ${orderId} not found.`);
    if (body.order?.version !== order.version)
      return squareError(400, 'VERSION_MISMATCH', 'Version provided does not match the order version', 'order.version');
    const updates = (body.order.fulfillments ?? []) as {
      uid: string;
      state?: string;
      shipment_details?: object;
      pickup_details?: object;
    }[];
    const fulfillments = order.fulfillments ?? [];
    if (updates.some((update) => !fulfillments.some((fulfillment) => fulfillment.uid === update.uid)))
      return squareError(400, 'INVALID_VALUE', 'Unknown fulfillment uid', 'order.fulfillments');
    const updated = {
      ...order,
      version: order.version + 1,
      fulfillments: fulfillments.map((fulfillment: any) => {
        const update = updates.find((candidate) => candidate.uid === fulfillment.uid);
        return update
          ? {
              ...fulfillment,
              ...(update.state ? { state: update.state } : {}),
              ...(fulfillment.type === 'PICKUP'
                ? { pickup_details: { ...fulfillment.pickup_details, ...update.pickup_details } }
                : { shipment_details: { ...fulfillment.shipment_details, ...update.shipment_details } }),
            }
          : fulfillment;
      }),
    };
    this.squareOrders.set(orderId, updated);
    const preparedForPickup =
      updates.length > 0 &&
      updates.every(
        (update) =>
          update.state === 'PREPARED' &&
          fulfillments.some((fulfillment: any) => fulfillment.uid === update.uid && fulfillment.type === 'PICKUP'),
      );
    (preparedForPickup ? this.pickups : this.shipments).push({ channel: 'square', channelOrderId: orderId, body });
    return { status: 200, body: { order: updated } };
  }

  private shopify(request: StubRequest): StubAnswer {
    const dev = DEVELOPMENT_API_CREDENTIALS.shopify!;
    if (request.headers['x-shopify-access-token'] !== dev.accessToken)
      return {
        status: 401,
        body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' },
      };
    const { query, variables } = JSON.parse(request.body) as { query: string; variables: Record<string, any> };
    if (query.includes('inventorySetQuantities'))
      return this.shopifyIdempotent(query, variables, () => this.shopifySet(variables.input));
    if (query.includes('inventoryItems')) {
      const skus = [...String(variables.query).matchAll(/sku:"((?:[^"\\]|\\.)*)"/g)].map(
        (m) => JSON.parse(`"${m[1]}"`) as string,
      );
      const nodes = skus
        .filter((sku) => this.isListed('shopify', sku))
        .map((sku) => ({
          id: shopifyItemId(sku),
          sku,
          inventoryLevel: { quantities: [{ name: 'available', quantity: this.listedOrNew('shopify', sku) }] },
        }));
      return { status: 200, body: { data: { inventoryItems: { nodes } } } };
    }
    if (query.includes('fulfillmentOrderLineItemsPreparedForPickup(')) return this.shopifyPreparedForPickup(variables);
    if (query.includes('metafieldsSet(')) return this.shopifyMetafieldsSet(variables);
    if (query.includes('fulfillmentOrders')) {
      const orderId = String(variables.id).replace('gid://shopify/Order/', '');
      const order = this.orders.get('shopify')?.get(orderId);
      if (!order) return { status: 200, body: { data: { order: null } } };
      const lineItems = order.lines.map((line) => ({
        id: `gid://shopify/FulfillmentOrderLineItem/${line.lineId}`,
        remainingQuantity: line.quantity - (this.fulfilled.get(`shopify#${orderId}#${line.lineId}`) ?? 0),
        lineItem: { id: `gid://shopify/LineItem/${line.lineId}` },
      }));
      return {
        status: 200,
        body: {
          data: {
            order: {
              fulfillmentOrders: {
                nodes: [
                  {
                    id: `gid://shopify/FulfillmentOrder/${orderId}`,
                    status: 'OPEN',
                    deliveryMethod: { methodType: order.pickupLocationId ? 'PICK_UP' : 'SHIPPING' },
                    assignedLocation: {
                      location: {
                        id: order.pickupLocationId
                          ? `gid://shopify/Location/${order.pickupLocationId}`
                          : DEVELOPMENT_API_CREDENTIALS.shopify!.locationId,
                      },
                    },
                    lineItems: { nodes: lineItems },
                  },
                ],
              },
            },
          },
        },
      };
    }
    if (query.includes('orderCancel(')) {
      const orderId = String(variables.orderId).replace('gid://shopify/Order/', '');
      if (!this.orders.get('shopify')?.has(orderId))
        return {
          status: 200,
          body: {
            data: {
              orderCancel: {
                job: null,
                orderCancelUserErrors: [{ code: 'NOT_FOUND', field: ['orderId'], message: 'Order not found' }],
              },
            },
          },
        };
      this.cancellations.push({ channel: 'shopify', channelOrderId: orderId, body: variables });
      return {
        status: 200,
        body: {
          data: {
            orderCancel: { job: { id: `gid://shopify/Job/${this.cancellations.length}` }, orderCancelUserErrors: [] },
          },
        },
      };
    }
    if (query.includes('refundCreate('))
      return this.shopifyIdempotent(query, variables, () => this.shopifyRefund(variables.input));
    if (query.includes('fulfillmentCreate')) {
      const fulfillment = variables.fulfillment as {
        lineItemsByFulfillmentOrder: {
          fulfillmentOrderId: string;
          fulfillmentOrderLineItems: { id: string; quantity: number }[];
        }[];
      };
      for (const group of fulfillment.lineItemsByFulfillmentOrder) {
        const orderId = group.fulfillmentOrderId.replace('gid://shopify/FulfillmentOrder/', '');
        for (const item of group.fulfillmentOrderLineItems) {
          const key = `shopify#${orderId}#${item.id.replace('gid://shopify/FulfillmentOrderLineItem/', '')}`;
          this.fulfilled.set(key, (this.fulfilled.get(key) ?? 0) + item.quantity);
        }
        this.shipments.push({ channel: 'shopify', channelOrderId: orderId, body: variables });
      }
      return {
        status: 200,
        body: {
          data: {
            fulfillmentCreate: {
              fulfillment: { id: `gid://shopify/Fulfillment/${this.shipments.length}`, status: 'SUCCESS' },
              userErrors: [],
            },
          },
        },
      };
    }
    return { status: 200, body: { errors: [{ message: 'the stub does not play this operation' }] } };
  }

  /** Sets order metafields; an order the shop does not have is refused per metafield, as Shopify does. */
  private shopifyMetafieldsSet(variables: Record<string, any>): StubAnswer {
    const inputs = (variables.metafields ?? []) as { ownerId: string; namespace: string; key: string; value: string }[];
    const userErrors = inputs.flatMap((input, i) =>
      this.orders.get('shopify')?.has(input.ownerId.replace('gid://shopify/Order/', ''))
        ? []
        : [{ field: ['metafields', String(i), 'ownerId'], message: 'Owner does not exist.', code: 'INVALID_VALUE' }],
    );
    if (userErrors.length > 0)
      return { status: 200, body: { data: { metafieldsSet: { metafields: null, userErrors } } } };
    const metafields = inputs.map((input) => {
      const key = `${input.ownerId.replace('gid://shopify/Order/', '')}#${input.namespace}.${input.key}`;
      this.metafields.set(key, input.value);
      return { id: `gid://shopify/Metafield/${[...this.metafields.keys()].indexOf(key) + 1}` };
    });
    return { status: 200, body: { data: { metafieldsSet: { metafields, userErrors: [] } } } };
  }

  /** Marks whole fulfillment orders prepared; only a pickup order's (delivered by PICK_UP) may be. */
  private shopifyPreparedForPickup(variables: Record<string, any>): StubAnswer {
    const groups = (variables.input?.lineItemsByFulfillmentOrder ?? []) as { fulfillmentOrderId: string }[];
    const orderIds = groups.map((group) => group.fulfillmentOrderId.replace('gid://shopify/FulfillmentOrder/', ''));
    const refused = orderIds.find((orderId) => !this.orders.get('shopify')?.get(orderId)?.pickupLocationId);
    if (groups.length === 0 || refused !== undefined)
      return {
        status: 200,
        body: {
          data: {
            fulfillmentOrderLineItemsPreparedForPickup: {
              userErrors: [
                {
                  field: ['input', 'lineItemsByFulfillmentOrder'],
                  message: `Fulfillment order ${refused ?? ''} is not a local pickup fulfillment order`,
                },
              ],
            },
          },
        },
      };
    for (const orderId of orderIds) this.pickups.push({ channel: 'shopify', channelOrderId: orderId, body: variables });
    return { status: 200, body: { data: { fulfillmentOrderLineItemsPreparedForPickup: { userErrors: [] } } } };
  }

  /** 2026-04 refuses these mutations without @idempotent, and answers a key it has seen with its first answer. */
  private shopifyIdempotent(query: string, variables: Record<string, any>, apply: () => StubAnswer): StubAnswer {
    const key = String(/@idempotent\(key: \$idempotencyKey\)/.test(query) ? variables.idempotencyKey : '');
    if (!key)
      return {
        status: 200,
        body: { errors: [{ message: 'The @idempotent directive is required for this mutation.' }] },
      };
    const replay = this.shopifyIdempotency.get(key);
    if (replay) return replay;
    const answer = apply();
    this.shopifyIdempotency.set(key, answer);
    return answer;
  }

  private shopifyRefund(input: {
    orderId: string;
    refundLineItems: { lineItemId: string; quantity: number }[];
  }): StubAnswer {
    const orderId = input.orderId.replace('gid://shopify/Order/', '');
    const order = this.orders.get('shopify')?.get(orderId);
    const refused = (message: string): StubAnswer => ({
      status: 200,
      body: { data: { refundCreate: { refund: null, userErrors: [{ field: ['orderId'], message }] } } },
    });
    if (!order) return refused('Order does not exist');
    const unknown = input.refundLineItems.find(
      (item) =>
        !order.lines.some(
          (line) => `gid://shopify/LineItem/${line.lineId}` === item.lineItemId && item.quantity <= line.quantity,
        ),
    );
    if (unknown) return refused(`Line item ${unknown.lineItemId} cannot be refunded ${unknown.quantity} time(s)`);
    this.returns.push({ channel: 'shopify', channelOrderId: orderId, body: input });
    return {
      status: 200,
      body: {
        data: { refundCreate: { refund: { id: `gid://shopify/Refund/${this.returns.length}` }, userErrors: [] } },
      },
    };
  }

  private shopifySet(input: {
    name: string;
    quantities: { inventoryItemId: string; quantity: number; changeFromQuantity?: number | null }[];
  }): StubAnswer {
    const userErrors: { code: string; field: string[]; message: string }[] = [];
    input.quantities.forEach((quantity, i) => {
      const sku = skuOfShopifyItem(quantity.inventoryItemId);
      if (!this.isListed('shopify', sku))
        userErrors.push({
          code: 'INVALID_INVENTORY_ITEM',
          field: ['input', 'quantities', String(i), 'inventoryItemId'],
          message: 'The specified inventory item could not be found.',
        });
      else if (quantity.changeFromQuantity === undefined)
        userErrors.push({
          code: 'INVALID_INPUT',
          field: ['input', 'quantities', String(i), 'changeFromQuantity'],
          message: 'changeFromQuantity is required (null opts out).',
        });
      else if (
        quantity.changeFromQuantity !== null &&
        quantity.changeFromQuantity !== this.listedOrNew('shopify', sku)
      ) {
        userErrors.push({
          code: 'CHANGE_FROM_QUANTITY_STALE',
          field: ['input', 'quantities', String(i), 'changeFromQuantity'],
          message: 'The changeFromQuantity value does not match persisted value.',
        });
      }
    });
    // Shopify applies all of a call's quantities or none of them.
    if (userErrors.length === 0)
      for (const quantity of input.quantities)
        this.record('shopify', skuOfShopifyItem(quantity.inventoryItemId), quantity.quantity);
    return {
      status: 200,
      body: {
        data: {
          inventorySetQuantities: {
            inventoryAdjustmentGroup: userErrors.length ? null : { id: 'gid://shopify/InventoryAdjustmentGroup/1' },
            userErrors,
          },
        },
      },
    };
  }

  private ebay(request: StubRequest): StubAnswer {
    if (!this.isIssuedToken(String(request.headers.authorization).replace(/^Bearer /, '')))
      return { status: 401, body: { errors: [{ errorId: 1001, message: 'Invalid access token' }] } };
    const path = request.url.pathname;
    const body = JSON.parse(request.body || '{}') as Record<string, any>;
    if (path === '/sell/inventory/v1/bulk_update_price_quantity') {
      const requests = body.requests as { sku: string; shipToLocationAvailability?: { quantity: number } }[];
      if (!Array.isArray(requests) || requests.length > 25)
        return { status: 400, body: { errors: [{ errorId: 25709, message: 'requests must hold 1 to 25 entries' }] } };
      const responses = requests.map((entry) => {
        if (!this.isListed('ebay', entry.sku))
          return {
            sku: entry.sku,
            statusCode: 404,
            errors: [{ errorId: 25702, message: `SKU ${entry.sku} is not available in the system` }],
          };
        this.record('ebay', entry.sku, entry.shipToLocationAvailability!.quantity);
        return { sku: entry.sku, statusCode: 200 };
      });
      return { status: responses.every((r) => r.statusCode === 200) ? 200 : 207, body: { responses } };
    }
    if (path === '/sell/inventory/v1/bulk_get_inventory_item') {
      const responses = (body.requests as { sku: string }[]).map(({ sku }) =>
        this.isListed('ebay', sku)
          ? {
              sku,
              statusCode: 200,
              inventoryItem: {
                sku,
                availability: { shipToLocationAvailability: { quantity: this.listedOrNew('ebay', sku) } },
              },
            }
          : {
              sku,
              statusCode: 404,
              errors: [{ errorId: 25702, message: `SKU ${sku} is not available in the system` }],
            },
      );
      return { status: 200, body: { responses } };
    }
    const orderId = decodeURIComponent(/^\/sell\/fulfillment\/v1\/order\/([^/]+)\//.exec(path)![1]);
    const order = this.orders.get('ebay')?.get(orderId);
    if (!order) return { status: 404, body: { errors: [{ errorId: 32100, message: 'Order not found.' }] } };
    const unknown = (body.lineItems as { lineItemId: string }[]).find(
      (line) => !order.lines.some((l) => l.lineId === line.lineItemId),
    );
    if (unknown || !body.trackingNumber || !body.shippingCarrierCode)
      return {
        status: 400,
        body: { errors: [{ errorId: 32400, message: 'Invalid line item id, carrier or tracking number.' }] },
      };
    this.shipments.push({ channel: 'ebay', channelOrderId: orderId, body });
    return {
      status: 201,
      headers: { location: `/sell/fulfillment/v1/order/${orderId}/shipping_fulfillment/${this.shipments.length}` },
    };
  }

  private amazon(request: StubRequest): StubAnswer {
    const refused = amazonCallRefused(request, this.isIssuedToken);
    if (refused) return refused;
    const dev = DEVELOPMENT_API_CREDENTIALS.amazon!;
    const path = request.url.pathname;
    const body = request.body ? (JSON.parse(request.body) as Record<string, any>) : {};
    const listing = AMAZON_LISTINGS_ITEM.exec(path);
    if (listing) {
      const sku = decodeURIComponent(listing[2]);
      if (!this.isListed('amazon', sku))
        return {
          status: 404,
          body: {
            errors: [{ code: 'NOT_FOUND', message: `SKU '${sku}' not found in marketplace ${dev.marketplaceId}` }],
          },
        };
      if (request.method === 'GET') {
        return {
          status: 200,
          body: {
            sku,
            fulfillmentAvailability: [{ fulfillmentChannelCode: 'DEFAULT', quantity: this.listedOrNew('amazon', sku) }],
          },
        };
      }
      const patch = (
        body.patches as
          | { op: string; path: string; value: { fulfillment_channel_code: string; quantity: number }[] }[]
          | undefined
      )?.find((p) => p.path === '/attributes/fulfillment_availability');
      if (request.method !== 'PATCH' || !patch || !['merge', 'replace'].includes(patch.op) || !body.productType) {
        return amazonInvalid(sku, 'The patch is not a fulfillment_availability update');
      }
      this.record('amazon', sku, patch.value[0].quantity);
      return { status: 200, body: { sku, status: 'ACCEPTED', submissionId: `stub-${Date.now()}`, issues: [] } };
    }
    const orderId = decodeURIComponent(/^\/orders\/v0\/orders\/([^/]+)\//.exec(path)![1]);
    const order = this.orders.get('amazon')?.get(orderId);
    if (!order)
      return { status: 404, body: { errors: [{ code: 'NotFound', message: `Order ${orderId} was not found.` }] } };
    const items = body.packageDetail?.orderItems as { orderItemId: string }[] | undefined;
    if (
      !items?.every((item) => order.lines.some((line) => line.lineId === item.orderItemId)) ||
      !body.packageDetail.trackingNumber
    ) {
      return {
        status: 400,
        body: { errors: [{ code: 'InvalidInput', message: 'Unknown order item or missing tracking number' }] },
      };
    }
    this.shipments.push({ channel: 'amazon', channelOrderId: orderId, body });
    return { status: 204 };
  }

  private woocommerce(request: StubRequest): StubAnswer {
    const dev = DEVELOPMENT_API_CREDENTIALS.woocommerce!;
    if (
      request.headers.authorization !==
      `Basic ${Buffer.from(`${dev.consumerKey}:${dev.consumerSecret}`).toString('base64')}`
    ) {
      return {
        status: 401,
        body: {
          code: 'woocommerce_rest_cannot_view',
          message: 'Sorry, you cannot list resources.',
          data: { status: 401 },
        },
      };
    }
    const path = request.url.pathname.replace('/wp-json/wc/v3', '');
    const body = request.body ? (JSON.parse(request.body) as Record<string, any>) : {};
    if (request.method === 'GET' && path === '/products') {
      const skus = (request.url.searchParams.get('sku') ?? '').split(',').filter(Boolean);
      return {
        status: 200,
        body: skus
          .filter((sku) => this.isListed('woocommerce', sku))
          .map((sku) => ({
            id: wooProductId(sku),
            sku,
            manage_stock: true,
            stock_quantity: this.listedOrNew('woocommerce', sku),
          })),
      };
    }
    if (request.method === 'POST' && path === '/products/batch') {
      const update = (body.update as { id: number; stock_quantity: number }[]).map((entry) => {
        const sku = [...(this.listed.get('woocommerce')?.keys() ?? [])].find(
          (candidate) => wooProductId(candidate) === entry.id,
        );
        if (!sku)
          return {
            id: entry.id,
            error: { code: 'woocommerce_rest_product_invalid_id', message: 'Invalid ID.', data: { status: 400 } },
          };
        this.record('woocommerce', sku, entry.stock_quantity);
        return { id: entry.id, sku, manage_stock: true, stock_quantity: entry.stock_quantity };
      });
      return { status: 200, body: { update } };
    }
    const orderMatch = /^\/orders\/([^/]+)(\/notes|\/refunds)?$/.exec(path);
    if (orderMatch && this.orders.get('woocommerce')?.has(orderMatch[1])) {
      if (request.method === 'POST' && orderMatch[2] === '/refunds') {
        const order = this.orders.get('woocommerce')!.get(orderMatch[1])!;
        const items = (body.line_items ?? []) as { id: number; quantity: number }[];
        if (
          items.some(
            (item) => !order.lines.some((line) => line.lineId === String(item.id) && item.quantity <= line.quantity),
          )
        ) {
          return {
            status: 500,
            body: {
              code: 'woocommerce_rest_cannot_create_order_refund',
              message: 'Invalid line item or quantity to refund.',
              data: { status: 500 },
            },
          };
        }
        this.returns.push({ channel: 'woocommerce', channelOrderId: orderMatch[1], body });
        return {
          status: 201,
          body: {
            id: this.returns.length,
            amount: body.amount,
            reason: body.reason,
            refunded_payment: body.api_refund !== false,
            line_items: body.line_items,
          },
        };
      }
      if (request.method === 'POST' && orderMatch[2] === '/notes') {
        const notes = String(body.note ?? '').startsWith('Ready for pickup') ? this.pickups : this.shipments;
        notes.push({ channel: 'woocommerce', channelOrderId: orderMatch[1], body });
        return {
          status: 201,
          body: { id: notes.length, note: body.note, customer_note: Boolean(body.customer_note) },
        };
      }
      if (request.method === 'PUT' && !orderMatch[2]) {
        if (body.status === 'cancelled')
          this.cancellations.push({ channel: 'woocommerce', channelOrderId: orderMatch[1], body });
        return { status: 200, body: { id: Number(orderMatch[1]), status: body.status } };
      }
    }
    return {
      status: 404,
      body: {
        code: 'rest_no_route',
        message: 'No route was found matching the URL and request method.',
        data: { status: 404 },
      },
    };
  }

  private isListed(channel: SalesChannel, sku: string): boolean {
    return !this.delisted.has(`${channel}#${sku}`);
  }

  /** The listing's quantity, listing the SKU (at 0) the first time a channel is asked about it. */
  private listedOrNew(channel: SalesChannel, sku: string): number {
    const listings = this.channelMap(this.listed, channel);
    if (!listings.has(sku)) listings.set(sku, 0);
    return listings.get(sku)!;
  }

  private record(channel: SalesChannel, sku: string, quantity: number): void {
    this.channelMap(this.listed, channel).set(sku, quantity);
    const sent = this.channelMap(this.received, channel);
    sent.set(sku, [...(sent.get(sku) ?? []), quantity]);
  }

  private channelMap<T>(maps: Map<SalesChannel, Map<string, T>>, channel: SalesChannel): Map<string, T> {
    if (!maps.has(channel)) maps.set(channel, new Map());
    return maps.get(channel)!;
  }
}

function shopifyItemId(sku: string): string {
  return `gid://shopify/InventoryItem/${Buffer.from(sku).toString('hex')}`;
}

function skuOfShopifyItem(id: string): string {
  return Buffer.from(id.replace('gid://shopify/InventoryItem/', ''), 'hex').toString('utf8');
}

const SQUARE_OUTBOUND_PATHS = [
  '/v2/catalog/search',
  '/v2/inventory/changes/batch-create',
  '/v2/inventory/counts/batch-retrieve',
];

/** A Square item variation id per SKU (Square's ids are upper-case letters and digits), and back. */
export function squareVariationId(sku: string): string {
  return `VAR${Buffer.from(sku).toString('hex').toUpperCase()}`;
}

export function skuOfSquareVariation(id: string): string {
  return Buffer.from(id.replace(/^VAR/, ''), 'hex').toString('utf8');
}

/** An item variation as the catalog holds it; `price_money` when the stub was told a price. */
export function squareVariation(sku: string, version = 1, priceMoney?: { amount: number; currency: string }) {
  const id = squareVariationId(sku);
  return {
    type: 'ITEM_VARIATION',
    id,
    version,
    item_variation_data: {
      item_id: `ITEM${id.slice(3)}`,
      name: 'Regular',
      sku,
      track_inventory: true,
      pricing_type: priceMoney ? 'FIXED_PRICING' : 'VARIABLE_PRICING',
      ...(priceMoney ? { price_money: priceMoney } : {}),
    },
  };
}

/** A Listings Items v2021-08-01 item path: the seller id and the SKU. */
export const AMAZON_LISTINGS_ITEM = /^\/listings\/2021-08-01\/items\/([^/]+)\/([^/]+)$/;

/**
 * Amazon's answer to a call with a token it did not issue, or to a Listings Items call naming another
 * seller or marketplace than the development credentials'; undefined when the call may go on.
 */
export function amazonCallRefused(
  request: StubRequest,
  isIssuedToken: (token: string) => boolean,
): StubAnswer | undefined {
  if (!isIssuedToken(String(request.headers['x-amz-access-token'])))
    return {
      status: 403,
      body: { errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.' }] },
    };
  const dev = DEVELOPMENT_API_CREDENTIALS.amazon!;
  const listing = AMAZON_LISTINGS_ITEM.exec(request.url.pathname);
  if (
    listing &&
    (decodeURIComponent(listing[1]) !== dev.sellerId ||
      request.url.searchParams.get('marketplaceIds') !== dev.marketplaceId)
  )
    return {
      status: 400,
      body: { errors: [{ code: 'InvalidInput', message: 'sellerId or marketplaceIds does not match the caller' }] },
    };
  return undefined;
}

/** Amazon's Listings Items submission refusing a patch: status INVALID with the issue, still HTTP 200. */
export function amazonInvalid(sku: string, message: string): StubAnswer {
  return {
    status: 200,
    body: { sku, status: 'INVALID', submissionId: 'stub', issues: [{ code: '4000001', message, severity: 'ERROR' }] },
  };
}

/** Walmart's answer to a call without its required headers or with a token it did not issue; undefined when the call may go on. */
export function walmartCallRefused(
  request: StubRequest,
  isIssuedToken: (token: string) => boolean,
): StubAnswer | undefined {
  if (!request.headers['wm_svc.name'] || !request.headers['wm_qos.correlation_id'])
    return walmartError(
      400,
      'INVALID_REQUEST_HEADER.GMP_GATEWAY_API',
      'WM_SVC.NAME and WM_QOS.CORRELATION_ID are required',
    );
  if (!isIssuedToken(String(request.headers['wm_sec.access_token'])))
    return walmartError(401, 'UNAUTHORIZED.GMP_GATEWAY_API', 'Unauthorized');
  return undefined;
}

export function walmartError(status: number, code: string, description: string): StubAnswer {
  return { status, body: { errors: [{ code, description, severity: 'ERROR', category: 'DATA', causes: [] }] } };
}

export function squareError(status: number, code: string, detail: string, field?: string): StubAnswer {
  const category = status === 401 ? 'AUTHENTICATION_ERROR' : 'INVALID_REQUEST_ERROR';
  return { status, body: { errors: [{ category, code, detail, ...(field ? { field } : {}) }] } };
}

/** A stable numeric product id per SKU, as WooCommerce's ids are numbers. */
function wooProductId(sku: string): number {
  let hash = 7;
  for (const char of sku) hash = (hash * 31 + char.charCodeAt(0)) % 2_000_000_011;
  return hash;
}
