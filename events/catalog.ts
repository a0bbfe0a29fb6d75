import {
  OrderReceived,
  OrderNeedsAttention,
  ChannelOrderNotified,
  RefundReported,
  ChannelCatchUpFailing,
  ChannelCatchUpRequested,
} from '#domain/intake/events';
import {
  InventoryMovementRecorded,
  InventoryReserved,
  ReservationRejected,
  ReservationReleased,
  InventoryAdjusted,
  AvailabilityChanged,
  ReservationMoved,
  BackorderFilled,
} from '#domain/inventory/events';
import { ShipmentConfirmed, OrderStateChanged, OrderStuck, OrderTransitionRefused } from '#domain/orders/events';
import { ReturnReceived, ReturnNeedsAttention } from '#domain/returns/events';
import {
  SettlementLineReceived,
  JournalEntryPrepared,
  ReconciliationException,
  JournalEntryPosted,
} from '#domain/accounting/events';
import { ErpSalesOrderPosted, ErpSalesOrderCancelled, ErpPostingRejected } from '#domain/erp/events';
import {
  PosTransactionRecorded,
  PosLineNeedsAttention,
  PosSequenceGapDetected,
  PosBatchProcessed,
  PosBatchContinuationRequested,
} from '#domain/pos/events';
import {
  ProductChanged,
  ChangeRefused,
  PriceChanged,
  PromotionActivated,
  PromotionEnded,
  PricingException,
} from '#domain/pricing/events';
import { OversellIncident, ChannelDriftCorrected, ChannelCancellationNeeded } from '#domain/channel-sync/events';
import {
  FulfilmentRequested,
  StoreTaskChanged,
  PickupReady,
  PickupCollected,
  PickupExpired,
  FulfilmentUnsourceable,
  TillHandOverUnmatched,
} from '#domain/fulfilment/events';
import { parseEvent, type EventDataOf, type EventDefinition, type FabricEvent } from '#domain/kernel/event';

export { EventContractError, EventSource, UnknownEventError } from '#domain/kernel/event';

/**
 * Every detail-type the fabric publishes, with its versioned payload schema. JSON Schema is generated
 * from this (`npm run events:schemas`) and a contract test fails when a change removes or retypes a field.
 */
export const eventCatalog = {
  OrderReceived,
  OrderNeedsAttention,
  ChannelOrderNotified,
  RefundReported,
  ChannelCatchUpFailing,
  ChannelCatchUpRequested,
  InventoryMovementRecorded,
  InventoryReserved,
  ReservationRejected,
  ReservationReleased,
  InventoryAdjusted,
  AvailabilityChanged,
  ReservationMoved,
  BackorderFilled,
  ShipmentConfirmed,
  ReturnReceived,
  ReturnNeedsAttention,
  SettlementLineReceived,
  JournalEntryPrepared,
  ReconciliationException,
  JournalEntryPosted,
  OrderStateChanged,
  OrderStuck,
  OrderTransitionRefused,
  ErpSalesOrderPosted,
  ErpSalesOrderCancelled,
  ErpPostingRejected,
  PosTransactionRecorded,
  PosLineNeedsAttention,
  PosSequenceGapDetected,
  PosBatchProcessed,
  PosBatchContinuationRequested,
  ProductChanged,
  ChangeRefused,
  PriceChanged,
  PromotionActivated,
  PromotionEnded,
  PricingException,
  OversellIncident,
  ChannelDriftCorrected,
  ChannelCancellationNeeded,
  FulfilmentRequested,
  StoreTaskChanged,
  PickupReady,
  PickupCollected,
  PickupExpired,
  FulfilmentUnsourceable,
  TillHandOverUnmatched,
} satisfies Record<string, EventDefinition>;

export type DetailType = keyof typeof eventCatalog;
export type EventData<T extends DetailType> = EventDataOf<(typeof eventCatalog)[T]>;

/**
 * Parses an SQS body written by EventBridge (or the local SNS topic) into a typed, validated event.
 * It reaches every schema of the catalog, and so bundles them all: a consumer that knows which events
 * it reads parses them with `parseEvent` and their definitions instead, and carries only those.
 */
export function parseEventBody<T extends DetailType>(body: string, expected: T): FabricEvent<EventData<T>> {
  return parseEvent(body, eventCatalog[expected]) as FabricEvent<EventData<T>>;
}
