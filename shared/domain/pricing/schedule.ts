import { createEvent } from '#domain/kernel/event';
import { ChangeRefused, PriceChanged, PromotionActivated, PromotionEnded } from './events';
import type { FabricEvent } from '#domain/kernel/event';
import { assertDataOwner, NotDataOwnerError, type DataDomain, type DataOwnership } from '#domain/kernel/data-ownership';
import type { EventPublisher } from '#domain/kernel/ports';
import type { PriceEntry, Promotion } from './model';

/**
 * Prices and promotions on a timetable. Each price entry is one window (it takes effect once);
 * each promotion is two (its start and its end). A window is a scheduled change in the pricing store
 * until it is due; then its event is published and the change removed. A change recorded after its
 * time is published at once with `appliedLate: true`.
 *
 * Once per window: a run claims each due window with a short lease before publishing it (so two
 * runs that overlap do not both publish it), and removes it only after its event is published; a
 * crash in between leaves the lease to expire and the next run publishes it again under the same
 * `windowKey`. Every consumer of these events sets absolute prices, so that repeat changes nothing.
 */

export type ScheduledChange =
  | { kind: 'price'; dueAt: string; windowKey: string; entry: PriceEntry }
  | { kind: 'promotion-start' | 'promotion-end'; dueAt: string; windowKey: string; promotion: Promotion };

export interface PricingStore {
  putPrice(entry: PriceEntry): Promise<void>;
  putPromotion(promotion: Promotion): Promise<void>;
  /** Every price entry of these SKUs (all lists, currencies and dates). */
  pricesFor(skus: readonly string[]): Promise<PriceEntry[]>;
  /** Every promotion targeting any of these SKUs. */
  promotionsFor(skus: readonly string[]): Promise<Promotion[]>;
  schedule(changes: readonly ScheduledChange[]): Promise<void>;
  /** Changes due at or before `now`, oldest first, at most `limit` (claimed ones included). */
  dueChanges(now: Date, limit: number): Promise<ScheduledChange[]>;
  /** Takes a due change's lease until `until` (epoch ms) unless another run holds an unexpired one; false when it does or the change is gone. */
  claim(change: ScheduledChange, until: number, now: number): Promise<boolean>;
  /** Removes a change whose event is published; removing one already removed is fine. */
  complete(change: ScheduledChange): Promise<void>;
}

export interface PricingPorts {
  store: PricingStore;
  publisher: EventPublisher;
  ownership: DataOwnership;
}

export function priceWindowKey(entry: PriceEntry): string {
  return `price#${entry.sku}#${entry.priceList}#${entry.currency}#${entry.effectiveFrom}`;
}

export function promotionWindowKey(promotion: Promotion, edge: 'start' | 'end'): string {
  return `promotion#${promotion.promotionId}#${edge === 'start' ? promotion.startsAt : promotion.endsAt}#${edge}`;
}

export type RecordOutcome =
  | { outcome: 'scheduled'; windows: { windowKey: string; dueAt: string }[] }
  | { outcome: 'applied_late'; windows: { windowKey: string; dueAt: string; late: boolean }[] }
  | { outcome: 'refused'; message: string };

/**
 * Stores a price entry from its owner and schedules its window, or publishes PriceChanged at once
 * (flagged late) when its effective time has passed. A non-owner's entry is refused: nothing is
 * stored, ChangeRefused is published.
 */
export async function recordPrice(entry: PriceEntry, ports: PricingPorts, now: Date): Promise<RecordOutcome> {
  const refused = await refuseUnlessOwner(ports, 'basePrice', entry.sourceSystem, `price#${entry.sku}`, now);
  if (refused) return refused;
  await ports.store.putPrice(entry);
  return scheduleOrApply(
    [{ kind: 'price', dueAt: entry.effectiveFrom, windowKey: priceWindowKey(entry), entry }],
    ports,
    now,
  );
}

/** As recordPrice, for a promotion's two windows (start and end). Re-sending a promotion replaces it. */
export async function recordPromotion(promotion: Promotion, ports: PricingPorts, now: Date): Promise<RecordOutcome> {
  const refused = await refuseUnlessOwner(
    ports,
    'promotions',
    promotion.sourceSystem,
    `promotion#${promotion.promotionId}`,
    now,
  );
  if (refused) return refused;
  await ports.store.putPromotion(promotion);
  return scheduleOrApply(
    [
      {
        kind: 'promotion-start',
        dueAt: promotion.startsAt,
        windowKey: promotionWindowKey(promotion, 'start'),
        promotion,
      },
      { kind: 'promotion-end', dueAt: promotion.endsAt, windowKey: promotionWindowKey(promotion, 'end'), promotion },
    ],
    ports,
    now,
  );
}

async function scheduleOrApply(changes: ScheduledChange[], ports: PricingPorts, now: Date): Promise<RecordOutcome> {
  const late = changes.filter((change) => Date.parse(change.dueAt) <= now.getTime());
  const later = changes.filter((change) => Date.parse(change.dueAt) > now.getTime());
  if (later.length) await ports.store.schedule(later);
  if (!late.length)
    return { outcome: 'scheduled', windows: later.map(({ windowKey, dueAt }) => ({ windowKey, dueAt })) };
  await ports.publisher.publish(late.map((change) => windowEvent(change, true)));
  return {
    outcome: 'applied_late',
    windows: changes.map(({ windowKey, dueAt }) => ({
      windowKey,
      dueAt,
      late: late.some((change) => change.windowKey === windowKey),
    })),
  };
}

/**
 * Publishes every window due at `now` that no other run holds, and removes it, oldest first, in pages
 * of `pageSize`. Returns what it published. Throws on a store or bus failure; the next run picks up
 * what is left once the leases lapse.
 */
export async function publishDueWindows(
  ports: Pick<PricingPorts, 'store' | 'publisher'>,
  now: Date,
  pageSize = 100,
  leaseMs = 60_000,
): Promise<ScheduledChange[]> {
  const published: ScheduledChange[] = [];
  for (;;) {
    const due = await ports.store.dueChanges(now, pageSize);
    const claimed: ScheduledChange[] = [];
    for (const change of due)
      if (await ports.store.claim(change, now.getTime() + leaseMs, now.getTime())) claimed.push(change);
    if (claimed.length) {
      await ports.publisher.publish(claimed.map((change) => windowEvent(change, false)));
      for (const change of claimed) await ports.store.complete(change);
      published.push(...claimed);
    }
    // A page another run holds entirely is that run's to finish.
    if (due.length < pageSize || !claimed.length) return published;
  }
}

function windowEvent(change: ScheduledChange, appliedLate: boolean): FabricEvent {
  const timing = { effectiveAt: change.dueAt, windowKey: change.windowKey, appliedLate };
  const trace = { correlationId: change.windowKey, causationId: change.windowKey };
  if (change.kind === 'price') {
    const { sku, priceList, currency, amountMinor, sourceSystem } = change.entry;
    return createEvent(PriceChanged, { sku, priceList, currency, amountMinor, sourceSystem, ...timing }, trace);
  }
  return createEvent(
    change.kind === 'promotion-start' ? PromotionActivated : PromotionEnded,
    { promotion: change.promotion, ...timing },
    trace,
  );
}

/**
 * Checks ownership; on refusal publishes ChangeRefused and answers the refusal. The refusal is
 * recorded before the caller answers, so a refused change is never silently dropped.
 */
export async function refuseUnlessOwner(
  ports: Pick<PricingPorts, 'ownership' | 'publisher'>,
  domain: DataDomain,
  sourceSystem: string,
  subject: string,
  now: Date,
  via = 'api',
): Promise<{ outcome: 'refused'; message: string } | undefined> {
  try {
    assertDataOwner(ports.ownership, domain, sourceSystem);
    return undefined;
  } catch (error) {
    if (!(error instanceof NotDataOwnerError)) throw error;
    await ports.publisher.publish([
      createEvent(
        ChangeRefused,
        {
          domain,
          owner: error.owner,
          sourceSystem,
          subject,
          via,
          refusedAt: now.toISOString(),
        },
        { correlationId: subject },
      ),
    ]);
    return { outcome: 'refused', message: error.message };
  }
}
