import { createEvent } from '#domain/kernel/event';
import { ReservationReleased } from '#domain/inventory/events';
import { holdReservationUntil } from '#domain/inventory/hold';
import { ReservationInProgressError, type InventoryPorts } from '#domain/inventory/reservation';
import { loadInventoryPolicy } from '#domain/inventory/policy';
import type { InventoryRepository, ReservationHeader, ReservationStatus } from '#domain/inventory/records';
import { MemoryPublisher } from '../support/pos-in-memory';

const ORDER = 'ord-pickup-1';
const RESERVED_AT_EXPIRY = '2026-12-10T10:00:00.000Z';

function header(overrides: Partial<ReservationHeader> = {}): ReservationHeader {
  return {
    orderId: ORDER,
    channel: 'shopify',
    onShortage: 'reject',
    status: 'reserved',
    lines: [{ lineId: '1', sku: 'TEE-BLK-M', requested: 2, reserved: 2, short: 0 }],
    expiresAt: RESERVED_AT_EXPIRY,
    sweepAt: RESERVED_AT_EXPIRY,
    updatedAt: '2026-12-07T10:00:00.000Z',
    ...overrides,
  };
}

/**
 * The reservation header as the inventory table keeps it, with extendReservation's condition (status
 * read, no outbox, an earlier expiry) and clearOutbox's token check; `beforeExtend` is another writer
 * that changes the header between the use case's read and its write.
 */
function inventory(initial: ReservationHeader | undefined) {
  const world = {
    header: initial,
    extends: [] as { orderId: string; expiresAt: string; expectStatus: ReservationStatus }[],
    beforeExtend: undefined as (() => void) | undefined,
  };
  const store: Partial<InventoryRepository> = {
    readReservation: async () => ({ header: world.header && structuredClone(world.header), parts: [] }),
    extendReservation: async (input) => {
      world.extends.push(input);
      const race = world.beforeExtend;
      world.beforeExtend = undefined;
      race?.();
      const current = world.header;
      if (
        !current ||
        current.status !== input.expectStatus ||
        current.outbox ||
        (current.expiresAt !== undefined && current.expiresAt >= input.expiresAt)
      )
        return { kind: 'superseded' };
      world.header = { ...current, expiresAt: input.expiresAt, sweepAt: input.expiresAt };
      return { kind: 'committed' };
    },
    clearOutbox: async (_owner, token, sweepAt) => {
      if (world.header?.outbox?.token === token) world.header = { ...world.header, outbox: undefined, sweepAt };
    },
  };
  const publisher = new MemoryPublisher();
  const ports: InventoryPorts = {
    store: store as InventoryRepository,
    publisher,
    policy: loadInventoryPolicy({}),
  };
  return { world, ports, publisher };
}

/** A ReservationReleased another writer left pending, under its own token. */
function outboxWith(label: string): NonNullable<ReservationHeader['outbox']> {
  const released = createEvent(
    ReservationReleased,
    {
      orderId: ORDER,
      reason: 'ORDER_CANCELLED',
      allocations: [{ lineId: '1', sku: 'TEE-BLK-M', locationId: 'store-042', quantity: 1 }],
    },
    { correlationId: ORDER },
  );
  return { events: [released], skus: [], token: `token-${label}` };
}

describe('holdReservationUntil', () => {
  test('extends an open reservation and its sweep time to the given time', async () => {
    const { world, ports } = inventory(header());

    const outcome = await holdReservationUntil(ORDER, '2026-12-12T11:00:00.000Z', ports);

    expect(outcome).toBe('extended');
    expect(world.extends).toEqual([
      { orderId: ORDER, expiresAt: '2026-12-12T11:00:00.000Z', expectStatus: 'reserved' },
    ]);
    expect(world.header).toMatchObject({
      expiresAt: '2026-12-12T11:00:00.000Z',
      sweepAt: '2026-12-12T11:00:00.000Z',
    });
  });

  test('never shortens: a reservation already held as long or longer is left as it is, and a retry changes nothing', async () => {
    const { world, ports } = inventory(header());

    const earlier = await holdReservationUntil(ORDER, '2026-12-09T10:00:00.000Z', ports);
    const same = await holdReservationUntil(ORDER, RESERVED_AT_EXPIRY, ports);

    expect([earlier, same]).toEqual(['unchanged', 'unchanged']);
    expect(world.extends).toEqual([]);
    expect(world.header?.expiresAt).toBe(RESERVED_AT_EXPIRY);
  });

  test.each<ReservationStatus>(['fulfilled', 'cancelled', 'expired', 'rejected'])(
    'leaves a %s reservation alone',
    async (status) => {
      const { world, ports } = inventory(header({ status }));

      expect(await holdReservationUntil(ORDER, '2026-12-12T11:00:00.000Z', ports)).toBe('closed');
      expect(world.extends).toEqual([]);
      expect(world.header?.expiresAt).toBe(RESERVED_AT_EXPIRY);
    },
  );

  test('leaves an order with no reservation alone', async () => {
    const { world, ports } = inventory(undefined);

    expect(await holdReservationUntil(ORDER, '2026-12-12T11:00:00.000Z', ports)).toBe('closed');
    expect(world.header).toBeUndefined();
  });

  test('is retried while another worker is writing the reservation', async () => {
    const { ports } = inventory(header({ status: 'in_progress' }));

    await expect(holdReservationUntil(ORDER, '2026-12-12T11:00:00.000Z', ports)).rejects.toBeInstanceOf(
      ReservationInProgressError,
    );
  });

  test('publishes a pending outbox before extending, so its clear cannot put the sweep back to the old expiry', async () => {
    const { world, ports, publisher } = inventory(
      header({ outbox: outboxWith('evt-1'), sweepAt: '2026-12-07T10:02:00.000Z' }),
    );

    expect(await holdReservationUntil(ORDER, '2026-12-12T11:00:00.000Z', ports)).toBe('extended');
    expect(publisher.ofType('ReservationReleased')).toHaveLength(1);
    expect(world.header).toMatchObject({
      outbox: undefined,
      expiresAt: '2026-12-12T11:00:00.000Z',
      sweepAt: '2026-12-12T11:00:00.000Z',
    });
  });

  test("never loses another writer's change: an outbox added meanwhile is published and kept until then", async () => {
    const { world, ports, publisher } = inventory(header());
    world.beforeExtend = () => {
      world.header = { ...world.header!, outbox: outboxWith('evt-2'), updatedAt: '2026-12-07T11:00:00.000Z' };
    };

    expect(await holdReservationUntil(ORDER, '2026-12-12T11:00:00.000Z', ports)).toBe('extended');
    expect(world.extends).toHaveLength(2);
    expect(publisher.ofType('ReservationReleased')).toHaveLength(1);
    expect(world.header).toMatchObject({
      updatedAt: '2026-12-07T11:00:00.000Z',
      expiresAt: '2026-12-12T11:00:00.000Z',
    });
  });

  test('leaves a reservation cancelled meanwhile as the cancellation left it', async () => {
    const { world, ports } = inventory(header());
    world.beforeExtend = () => {
      world.header = { ...world.header!, status: 'cancelled', sweepAt: undefined };
    };

    expect(await holdReservationUntil(ORDER, '2026-12-12T11:00:00.000Z', ports)).toBe('closed');
    expect(world.header).toMatchObject({ status: 'cancelled', expiresAt: RESERVED_AT_EXPIRY, sweepAt: undefined });
  });
});
