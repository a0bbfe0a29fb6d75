/**
 * What the overview routes answer (GET /overview/orders, GET /overview/exceptions). No imports, so the
 * console's view code reads these very types without pulling the adapters into the browser's build.
 */

/** A window of whole hours ending now: hourly buckets from `from`, the last one partial, up to `to`. */
export interface OverviewWindow {
  hours: number;
  /** The start of the first bucket, a whole UTC hour (ISO-8601). */
  from: string;
  /** When the figures were read: the end of the last bucket. */
  to: string;
}

/** GET /overview/orders?hours=N: the orders the fabric received per hour, by channel and where each stands now. */
export interface OrdersOverview extends OverviewWindow {
  perHour: OrdersInHour[];
}

export interface OrdersInHour {
  /** The start of the hour. */
  hour: string;
  /** Only the cells with orders; an hour without any has none. */
  counts: { channel: string; status: string; orders: number }[];
}

/** GET /overview/exceptions?hours=N: how many exceptions were open at the end of each hour, and now. */
export interface ExceptionsOverview extends OverviewWindow {
  points: OpenExceptionsAt[];
}

export interface OpenExceptionsAt {
  /** The end of an hour; for the current hour, `to`. */
  at: string;
  /** Only the cells with open exceptions. */
  open: { severity: 'critical' | 'warning' | 'info'; kind: string; exceptions: number }[];
}
