import type {
  ChannelShown,
  InventoryVerification as Verification,
  SkuInventory,
} from '../../../shared/operations/inventory';
import { plural } from './dead-letter-queues';

/**
 * The inventory page's view logic: the API's answers (GET /inventory/skus/{sku}, GET
 * /inventory/verification) and how the page labels and words them. Pure, for the unit tests.
 */

export type { ChannelShown, SkuInventory, Verification };

/** Every figure of a position: the named quantities and what follows from them. */
export type StockFigures = SkuInventory['total'];

/** A ledger movement with what it changed. */
export type Movement = SkuInventory['movements'][number];

/** The columns of the stock table, in the order an operator reads a position: what is there, then what is not sellable. */
export const STOCK_COLUMNS: readonly { figure: keyof StockFigures; label: string }[] = [
  { figure: 'onHand', label: 'On hand' },
  { figure: 'reserved', label: 'Reserved' },
  { figure: 'safetyStock', label: 'Safety' },
  { figure: 'availableToSell', label: 'Available to sell' },
  { figure: 'incoming', label: 'Incoming' },
  { figure: 'damaged', label: 'Damaged' },
  { figure: 'qualityControl', label: 'QC' },
];

const FIGURE_LABELS: Record<string, string> = {
  onHand: 'on hand',
  reserved: 'reserved',
  incoming: 'incoming',
  safetyStock: 'safety stock',
  damaged: 'damaged',
  qualityControl: 'QC',
  sellableOnHand: 'sellable on hand',
  available: 'available',
};

export function figureLabel(figure: string): string {
  return FIGURE_LABELS[figure] ?? figure;
}

/** What a movement changed, signed: "on hand −2, reserved −2". */
export function movementChange(movement: Movement): string {
  const changes = Object.entries(movement.deltas).filter(([, delta]) => delta !== 0);
  if (changes.length === 0) return 'no change';
  return changes
    .map(([figure, delta]) => `${figureLabel(figure)} ${delta > 0 ? '+' : '−'}${Math.abs(delta)}`)
    .join(', ');
}

export function movementKind(kind: string): string {
  return kind.replace(/_/g, ' ');
}

/** Whether a channel was told what it may list now: in step, waiting for an acknowledgement, or never told. */
export function channelState(channel: ChannelShown): 'in step' | 'waiting' | 'not told' | 'differs' {
  if (channel.pending) return 'waiting';
  if (!channel.published) return 'not told';
  return channel.published.value === channel.listed ? 'in step' : 'differs';
}

/** A channel's state as a sentence beside its figures. */
export function channelNote(channel: ChannelShown): string {
  switch (channelState(channel)) {
    case 'waiting':
      return `${channel.pending?.value} sent, not acknowledged yet (version ${channel.pending?.version})`;
    case 'not told':
      return 'Never told: nothing was published to this channel for the SKU';
    case 'differs':
      return `Last told ${channel.published?.value}: a newer figure is on its way`;
    default:
      return 'In step';
  }
}

/** A SKU typed into the search, as the API accepts one: trimmed, no whitespace or #. */
export function skuProblem(sku: string): string | undefined {
  const trimmed = sku.trim();
  if (!trimmed) return 'Type a SKU';
  if (/[#\s]/.test(trimmed)) return 'A SKU has no spaces or #';
  if (trimmed.length > 120) return 'A SKU is at most 120 characters';
  return undefined;
}

/** The verification's headline: agreement, or how many buckets disagree and how. */
export function verificationSummary(report: Verification): string {
  const checked = `${plural(report.positions, 'position')}, ${plural(report.movements, 'movement')} and ${plural(report.reservationParts, 'reservation part')} checked`;
  if (report.clean) return `Positions, ledger and reservations agree (${checked}).`;
  const problems = [
    report.ledgerDrift.length && `${report.ledgerDrift.length} drifted from the ledger`,
    report.reservedDrift.length && `${report.reservedDrift.length} with reserved unlike open reservations`,
    report.orphans.length && `${report.orphans.length} orphaned ledger or reservation entries`,
  ].filter(Boolean);
  return `Drift found: ${problems.join('; ')} (${checked}).`;
}

/** One line per disagreement, as `ops inventory verify` prints them. */
export function verificationFindings(report: Verification): { bucket: string; finding: string }[] {
  return [
    ...report.ledgerDrift.map(({ bucket, drift }) => ({
      bucket,
      finding: drift.map((d) => `${figureLabel(d.figure)} stored ${d.stored}, ledger says ${d.rebuilt}`).join('; '),
    })),
    ...report.reservedDrift.map(({ bucket, reserved, heldByReservations }) => ({
      bucket,
      finding: `reserved ${reserved}, open reservations hold ${heldByReservations}`,
    })),
    ...report.orphans.map(({ bucket }) => ({ bucket, finding: 'ledger lines or reservations without a position' })),
  ];
}
