import { DEVELOPMENT_SHIPBOB_CREDENTIALS } from '#shared/fulfilment-providers/shipbob';
import type { StubAnswer, StubRequest } from './channel-api-stub';

/** One ShipBob order as the stub keeps it, in the shape GET /1.0/order/{id} answers. */
export interface ShipBobStubOrder {
  id: number;
  reference_id: string;
  order_number?: string;
  status: 'Processing' | 'Fulfilled';
  created_date: string;
  shipping_method: string;
  recipient: unknown;
  products: { reference_id: string; name?: string; quantity: number }[];
  shipments: {
    id: number;
    status: 'Processing' | 'Completed';
    actual_fulfillment_date: string | null;
    tracking: { carrier: string; tracking_number: string } | null;
    products: { reference_id: string; inventory_items: { quantity: number }[] }[];
  }[];
}

/** The first order id the stub gives; ShipBob's ids are large integers. */
const FIRST_ID = 700_000_001;

/**
 * Plays ShipBob's Orders API 1.0 for the local fabric, as ShipBob documents it: a Bearer personal
 * access token and the `shipbob_channel_id` header on every call; `POST /1.0/order` (shipping_method,
 * recipient with name and address1/city/country, products by reference_id and quantity, a reference_id
 * unique per account: a second one answers 422); `GET /1.0/order?ReferenceIds=`; `GET /1.0/order/{id}`
 * with its shipments, which carry tracking once shipped. `ship(referenceId, ...)` plays the warehouse
 * packing and labelling the order, as a test or the simulated day decides.
 */
export class ShipBobStub {
  readonly orders = new Map<number, ShipBobStubOrder>();

  route(request: StubRequest): StubAnswer | undefined {
    const { method, url } = request;
    if (!url.pathname.startsWith('/1.0/order')) return undefined;
    if (
      request.headers.authorization !== `Bearer ${DEVELOPMENT_SHIPBOB_CREDENTIALS.personalAccessToken}` ||
      request.headers.shipbob_channel_id !== DEVELOPMENT_SHIPBOB_CREDENTIALS.channelId
    )
      return { status: 401, body: { message: 'Authorization has been denied for this request.' } };
    if (method === 'POST' && url.pathname === '/1.0/order') return this.create(request.body);
    if (method === 'GET' && url.pathname === '/1.0/order') {
      const wanted = new Set((url.searchParams.get('ReferenceIds') ?? '').split(',').filter(Boolean));
      return { status: 200, body: [...this.orders.values()].filter((order) => wanted.has(order.reference_id)) };
    }
    const byId = method === 'GET' ? /^\/1\.0\/order\/(\d+)$/.exec(url.pathname) : null;
    if (byId) {
      const order = this.orders.get(Number(byId[1]));
      return order ? { status: 200, body: order } : { status: 404, body: { message: 'Order not found' } };
    }
    return undefined;
  }

  /** The order created under a reference id, if any. */
  byReference(referenceId: string): ShipBobStubOrder | undefined {
    return [...this.orders.values()].find((order) => order.reference_id === referenceId);
  }

  /** The warehouse shipped the order whole: its shipment completes with this carrier and tracking number. */
  ship(referenceId: string, tracking: { carrier: string; trackingNumber: string }): ShipBobStubOrder {
    const order = this.byReference(referenceId);
    if (!order) throw new Error(`ShipBob stub has no order ${referenceId}`);
    order.status = 'Fulfilled';
    order.shipments = order.shipments.map((shipment) => ({
      ...shipment,
      status: 'Completed',
      actual_fulfillment_date: new Date().toISOString(),
      tracking: { carrier: tracking.carrier, tracking_number: tracking.trackingNumber },
    }));
    return order;
  }

  private create(body: string): StubAnswer {
    let order: Record<string, any>;
    try {
      order = JSON.parse(body);
    } catch {
      return { status: 400, body: { message: 'The request is invalid.' } };
    }
    const errors: Record<string, string[]> = {};
    if (!order.reference_id) errors.reference_id = ['The ReferenceId field is required.'];
    if (!order.shipping_method) errors.shipping_method = ['The ShippingMethod field is required.'];
    if (!order.recipient?.name) errors['recipient.name'] = ['The Name field is required.'];
    for (const field of ['address1', 'city', 'country'])
      if (!order.recipient?.address?.[field])
        errors[`recipient.address.${field}`] = [`The ${field} field is required.`];
    if (!Array.isArray(order.products) || order.products.length === 0)
      errors.products = ['The Products field is required.'];
    if (Object.keys(errors).length) return { status: 400, body: errors };
    if (this.byReference(order.reference_id))
      return {
        status: 422,
        body: { reference_id: [`An order with reference id ${order.reference_id} already exists.`] },
      };
    const id = FIRST_ID + this.orders.size;
    const products = (order.products as { reference_id: string; name?: string; quantity: number }[]).map(
      ({ reference_id, name, quantity }) => ({ reference_id, name, quantity }),
    );
    const created: ShipBobStubOrder = {
      id,
      reference_id: order.reference_id,
      order_number: order.order_number,
      status: 'Processing',
      created_date: new Date().toISOString(),
      shipping_method: order.shipping_method,
      recipient: order.recipient,
      products,
      shipments: [
        {
          id: id * 10,
          status: 'Processing',
          actual_fulfillment_date: null,
          tracking: null,
          products: products.map((product) => ({
            reference_id: product.reference_id,
            inventory_items: [{ quantity: product.quantity }],
          })),
        },
      ],
    };
    this.orders.set(id, created);
    return { status: 201, body: created };
  }
}
