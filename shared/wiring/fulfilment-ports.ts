import { readConfig, requiredName } from '#shared/config/env';
import { bucketEnvVar, tableEnvVar } from '#shared/config/topology';
import { pickupHoldHours, type FulfilmentPorts, type ShipmentToConfirm } from '#domain/fulfilment';
import { holdReservationUntil, moveReservation, releaseOrderStock, type InventoryPolicy } from '#domain/inventory';
import { SHIPMENT_CONFIRMATION_SCOPE, confirmShipment, type ShipmentConfirmationPorts } from '#domain/orders';
import { DynamoFulfilmentStore } from '#shared/adapters/fulfilment-store';
import { inventoryStoreFromEnv } from '#shared/adapters/inventory-store';
import { DynamoOrderRepository } from '#shared/adapters/order-store';
import { DynamoLifecycleStore } from '#shared/adapters/order-lifecycle-store';
import { S3DeliveryArchive } from '#shared/adapters/raw-archive';
import { IdempotentExecutor, onceRunner } from '#shared/adapters/idempotency';
import { eventPublisherFromEnv } from '#shared/adapters/event-publisher';
import { shipBobClientFromEnv } from '#shared/fulfilment-providers/shipbob';

/**
 * The fulfilment ports as fulfilment-release, store-tasks-api and fulfilment-watch build them, once at
 * cold start: the fulfilment table, the order (for its channel ids, delivery and address), ShipBob, the
 * inventory use cases that move and release reservations, and the shipment flow that a collection, a
 * store's shipment or a ShipBob shipment goes through exactly as a warehouse's POST /shipments does.
 * Also returns the idempotency executor of shipments, to register each invocation's Lambda context.
 */
export function fulfilmentPortsFromEnv(env: NodeJS.ProcessEnv = process.env): {
  ports: FulfilmentPorts;
  shipments: IdempotentExecutor;
  policy: InventoryPolicy;
} {
  const config = readConfig(
    {
      [tableEnvVar('fulfilment')]: requiredName,
      [tableEnvVar('orders')]: requiredName,
      [tableEnvVar('crossReference')]: requiredName,
      [tableEnvVar('idempotency')]: requiredName,
      [bucketEnvVar('rawArchive')]: requiredName,
    },
    env,
  );
  const publisher = eventPublisherFromEnv(env);
  const inventory = { ...inventoryStoreFromEnv(env), publisher };
  const orders = new DynamoOrderRepository(config[tableEnvVar('orders')], config[tableEnvVar('crossReference')]);
  const shipments = new IdempotentExecutor(config[tableEnvVar('idempotency')], SHIPMENT_CONFIRMATION_SCOPE);
  const shipmentPorts: ShipmentConfirmationPorts = {
    archive: new S3DeliveryArchive(config[bucketEnvVar('rawArchive')]),
    orders,
    lifecycles: new DynamoLifecycleStore(config[tableEnvVar('orders')]),
    publisher,
    once: onceRunner(shipments),
  };
  const locationIds = inventory.policy.locations.map((location) => location.id);
  const ports: FulfilmentPorts = {
    store: new DynamoFulfilmentStore(config[tableEnvVar('fulfilment')]),
    publisher,
    locations: inventory.policy.locations,
    orders: { getOrder: async (orderId) => (await orders.getOrder(orderId))?.order },
    shipbob: shipBobClientFromEnv(env),
    confirmShipment: (shipment) => confirmShipment(deliveryOf(shipment), shipmentPorts, locationIds),
    stock: {
      moveReservation: (move) => moveReservation(move, inventory, { causationId: `fulfilment:${move.moveId}` }),
      holdReservation: async ({ orderId, until }) => {
        await holdReservationUntil(orderId, until, inventory);
      },
      releaseExpiredPickup: async (order) => {
        await releaseOrderStock(order, 'PICKUP_EXPIRED', inventory);
      },
    },
    pickupHoldHours: pickupHoldHours(env),
  };
  return { ports, shipments, policy: inventory.policy };
}

/** A shipment as POST /shipments would have received it: archived and decided by the same rules, under its id. */
function deliveryOf(shipment: ShipmentToConfirm) {
  return {
    requestId: `fulfilment:${shipment.shipmentId}`,
    receivedAt: new Date().toISOString(),
    headers: { 'content-type': 'application/json' },
    rawBody: Buffer.from(JSON.stringify(shipment)),
  };
}
