import type { WireEvent, ClaimCheck } from '#domain/kernel/event';

/**
 * The most one event may take on the bus: EventBridge's PutEvents entry and an SNS message (fauxqs
 * enforces the same 262,144 bytes locally) both stop at 256 KiB.
 */
export const EVENT_BUS_MAX_BYTES = 262_144;

/**
 * Whether an event of `wireBytes` (its EventBridge-shaped JSON, which is more than PutEvents counts)
 * must travel as a claim check. An event of exactly the limit still fits.
 */
export function needsClaimCheck(wireBytes: number, limit = EVENT_BUS_MAX_BYTES): boolean {
  return wireBytes > limit;
}

/** Every claim check is stored under this prefix, which is all the grants name. */
export const CLAIM_CHECK_PREFIX = 'claim-checks/';

/**
 * Where an event's detail is stored: by day, so a listing of one day is cheap, and by event id, so
 * publishing the same event again (a caller's retry) writes the same object instead of another.
 */
export function claimCheckKey(wire: Pick<WireEvent, 'id' | 'time' | 'detail-type'>): string {
  const day = wire.time.slice(0, 10).replaceAll('-', '/');
  return `${CLAIM_CHECK_PREFIX}${day}/${wire['detail-type']}/${wire.id}.json`;
}

/**
 * The event as it goes on the bus once its detail is stored: the same envelope, with the pointer in
 * its metadata and, in place of the payload, only the fields the routing rules match on for its
 * detail-type, so every rule routes it exactly as it would the whole event.
 */
export function claimedWireEvent(wire: WireEvent, claimCheck: ClaimCheck): WireEvent {
  const routed: Record<string, unknown> = {};
  const detailType = wire['detail-type'];
  const paths = Object.hasOwn(ROUTED_DATA_PATHS, detailType) ? ROUTED_DATA_PATHS[detailType] : [];
  for (const path of paths) copyPath(wire.detail.data, routed, path);
  return { ...wire, detail: { metadata: { ...wire.detail.metadata, claimCheck }, data: routed } };
}

/**
 * The paths under `detail.data` that some routing rule (events/routing-rules/) matches on, by
 * detail-type; a detail-type no rule filters on its data keeps none. Listed rather than read from the
 * rules, which would put every rule and, through the event catalog, every event schema into each
 * function that publishes (12 to 50 KiB); a test derives it from the rules, so a rule that matches on
 * another field fails until it is listed here.
 */
export const ROUTED_DATA_PATHS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  AvailabilityChanged: [['channel']],
  ChannelOrderNotified: [['channel']],
  InventoryAdjusted: [['type']],
  OrderStateChanged: [['to'], ['on'], ['from']],
  PosTransactionRecorded: [['transaction', 'disposition']],
  ReservationRejected: [['outcome']],
};

function copyPath(from: unknown, to: Record<string, unknown>, path: readonly string[]): void {
  let source = from;
  for (const key of path) {
    if (typeof source !== 'object' || source === null) return;
    source = (source as Record<string, unknown>)[key];
  }
  // A rule's path names at least one field, so only an empty path, which no rule yields, has no leaf.
  const leaf = path.at(-1);
  if (source === undefined || leaf === undefined) return;
  let target = to;
  for (const key of path.slice(0, -1)) {
    target[key] ??= {};
    target = target[key] as Record<string, unknown>;
  }
  target[leaf] = source;
}
