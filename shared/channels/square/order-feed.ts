import * as z from '#domain/kernel/schema';
import type { OrderFeed, PulledPage } from '#domain/intake/order-pull';
import { readListedOrders } from '../listed-orders';
import type { SquareOrdersApi } from './square-api.client';
import { squareOrderMapper } from './square-order.mapper';
import { SquareOrder } from './square-order.schema';

/** SearchOrders' largest page (`limit`). */
export const SQUARE_SEARCH_PAGE_LIMIT = 1000;
/** SearchOrders takes at most this many location ids a request. */
const LOCATIONS_PER_SEARCH = 10;

const SquareLocations = z.object({
  locations: z._default(z.array(z.object({ id: z.string().check(z.minLength(1)) })), []),
});
const SquareSearchAnswer = z.object({ orders: z._default(z.array(z.unknown()), []), cursor: z.optional(z.string()) });
/** Where a run is: the locations searched (a cursor is only valid with the same query) and the cursor. */
const SearchPosition = z.object({
  locations: z.array(z.string()).check(z.minLength(1)),
  cursor: z.optional(z.string()),
});

/**
 * Square orders updated in the window at every location of the seller (ListLocations, read once per
 * feed), ten locations a search as SearchOrders allows, sorted by updated_at, paged by Square's
 * cursor. The orders are the complete Order objects RetrieveOrder answers (`return_entries` false),
 * mapped by the same mapper; a DRAFT order is not an order yet and is left for a later version, as the
 * fetch after a webhook leaves it. The version is Square's `version`, or `updated_at` without one.
 */
export function squareOrderFeed(
  api: SquareOrdersApi,
  { connector, pageSize = SQUARE_SEARCH_PAGE_LIMIT }: { connector: string; pageSize?: number },
): OrderFeed<SquareOrder> {
  let locations: Promise<string[]> | undefined;
  const allLocations = () => {
    locations ??= api.listLocations().then(
      (raw) =>
        SquareLocations.parse(raw)
          .locations.map((location) => location.id)
          .sort(),
      (error) => {
        locations = undefined;
        throw error;
      },
    );
    return locations;
  };
  /** The next ten locations after `last` in id order (the first ten without it). */
  const locationsAfter = async (last?: string) =>
    (await allLocations()).filter((id) => last === undefined || id > last).slice(0, LOCATIONS_PER_SEARCH);

  return {
    channel: 'square',
    connector,
    mapper: squareOrderMapper,
    async fetchPage(window, page): Promise<PulledPage<SquareOrder>> {
      const position = page ? SearchPosition.parse(JSON.parse(page)) : { locations: await locationsAfter() };
      if (position.locations.length === 0) return { orders: [], raw: { locations: [] } };
      const raw = await api.searchOrders({
        location_ids: position.locations,
        query: {
          filter: { date_time_filter: { updated_at: { start_at: window.from, end_at: window.to } } },
          sort: { sort_field: 'UPDATED_AT', sort_order: 'ASC' },
        },
        limit: pageSize,
        return_entries: false,
        ...(position.cursor ? { cursor: position.cursor } : {}),
      });
      const answer = SquareSearchAnswer.parse(raw);
      const orders = readListedOrders(answer.orders, SquareOrder, {
        idField: 'id',
        id: (order) => order.id,
        version: (order) => String(order.version ?? order.updated_at),
      }).filter((entry) => entry.kind === 'invalid' || entry.payload.state !== 'DRAFT');
      const next = answer.cursor
        ? { locations: position.locations, cursor: answer.cursor }
        : { locations: await locationsAfter(position.locations.at(-1)) };
      return { orders, raw, ...(next.locations.length > 0 ? { nextPage: JSON.stringify(next) } : {}) };
    },
  };
}
