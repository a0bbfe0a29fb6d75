import * as z from '#domain/kernel/schema';
import { once } from '#domain/kernel/once';
import { PosTransaction, PosTransactionKey } from './transaction';
import { PosBatchSummary, PosUpload } from './batch';
import { SequenceGap } from './sequence';
import { EventSource, defineEvent } from '#domain/kernel/event';
import { Measure } from '#domain/kernel/unit-of-measure';

/**
 * Payload schemas of the POS events, which the catalog (events/catalog.ts) versions. They are built
 * on the first parse of any of them rather than when the module loads: most of the functions that
 * carry this module read one of its events or none (issue 27).
 */
const schemas = once(() => {
  /** The upload a POS event came from, to find the file, its summary and its quarantine. */
  const PosBatchRef = z.object({
    storeId: z.string().check(z.minLength(1)),
    businessDate: z.string().check(z.minLength(1)),
    batchId: z.string().check(z.minLength(1)),
    uploadId: z.string().check(z.minLength(1)),
  });

  const PosTransactionRecordedData = z.object({
    transaction: PosTransaction,
    /** The upload that recorded it, and the line the transaction starts on there. */
    batch: z.extend(PosBatchRef, { lineNumber: z.number().check(z.int(), z.positive()) }),
  });

  const PosLineNeedsAttentionData = z.object({
    transactionId: z.string().check(z.minLength(1)),
    key: PosTransactionKey,
    /**
     * UNKNOWN_SKU: the cross-reference does not know the item code (map it: `ops xref map-sku pos <code> <sku>`).
     * STOCK_REFUSED: the stock books refused the movement (a sale of more than is on hand): count the shelf.
     * UNIT_MISMATCH: the line's unit is not the one the SKU's stock is kept in (a weighed sale of a SKU
     * counted in units, or the reverse): nothing moved; fix the item code's mapping or the SKU's stock unit.
     */
    reason: z.enum(['UNKNOWN_SKU', 'STOCK_REFUSED', 'UNIT_MISMATCH']),
    lines: z
      .array(
        z.object({
          lineNumber: z.number().check(z.int(), z.positive()),
          itemCode: z.string().check(z.minLength(1)),
          type: z.enum(['sale', 'return']),
          quantity: z.number().check(z.int(), z.positive()),
          /** A weighed or measured line's quantity, as on the line. */
          measure: z.optional(Measure),
          detail: z.optional(z.string()),
        }),
      )
      .check(z.minLength(1)),
    batch: PosBatchRef,
    /**
     * UNKNOWN_SKU: the transaction as it was recorded, so that once the item codes are mapped the held
     * lines can be applied from it (under the same line adjustment ids, so once), without a new upload.
     */
    recorded: z.optional(PosTransactionRecordedData),
  });

  const PosSequenceGapDetectedData = z.object({
    storeId: z.string().check(z.minLength(1)),
    registerId: z.string().check(z.minLength(1)),
    businessDay: z.string().check(z.minLength(1)),
    /** Open gaps of the register's day after this upload (filled ones are gone). */
    gaps: z.array(SequenceGap).check(z.minLength(1)),
    missing: z.number().check(z.int(), z.positive()),
    batch: PosBatchRef,
  });

  const PosBatchProcessedData = z.object({ summary: PosBatchSummary });

  const PosBatchContinuationRequestedData = z.object({
    upload: PosUpload,
    uploadRef: z.string().check(z.minLength(1)),
    /** Where the previous invocation stopped; informative, the stored progress is authoritative. */
    position: z.object({
      items: z.number().check(z.int(), z.nonnegative()),
      line: z.number().check(z.int(), z.positive()),
    }),
  });
  return {
    PosBatchRef,
    PosTransactionRecordedData,
    PosLineNeedsAttentionData,
    PosSequenceGapDetectedData,
    PosBatchProcessedData,
    PosBatchContinuationRequestedData,
  };
});

export const PosBatchRef = /* @__PURE__ */ z.lazy(() => schemas().PosBatchRef);
export type PosBatchRef = z.infer<typeof PosBatchRef>;
export const PosTransactionRecordedData = /* @__PURE__ */ z.lazy(() => schemas().PosTransactionRecordedData);
export const PosLineNeedsAttentionData = /* @__PURE__ */ z.lazy(() => schemas().PosLineNeedsAttentionData);
export const PosSequenceGapDetectedData = /* @__PURE__ */ z.lazy(() => schemas().PosSequenceGapDetectedData);
export const PosBatchProcessedData = /* @__PURE__ */ z.lazy(() => schemas().PosBatchProcessedData);
export const PosBatchContinuationRequestedData = /* @__PURE__ */ z.lazy(
  () => schemas().PosBatchContinuationRequestedData,
);

export const PosTransactionRecorded = defineEvent('PosTransactionRecorded', {
  source: EventSource.pos,
  description:
    'A completed store POS transaction (sale, return, exchange) was recorded, from a batch upload or a Square till, once per (store, register, business day, sequence); cancelled, training and control ones publish nothing.',
  versions: { 1: PosTransactionRecordedData },
  current: 1,
});

export const PosLineNeedsAttention = defineEvent('PosLineNeedsAttention', {
  source: EventSource.pos,
  description:
    'Lines of a recorded POS transaction need a person: an item code the cross-reference does not know (UNKNOWN_SKU), a stock movement the books refused (STOCK_REFUSED), or a line whose unit is not the stock unit of its SKU (UNIT_MISMATCH).',
  versions: { 1: PosLineNeedsAttentionData },
  current: 1,
});

export const PosSequenceGapDetected = defineEvent('PosSequenceGapDetected', {
  source: EventSource.pos,
  description: "A register's business day has sequence numbers nobody uploaded (yet), as of a batch.",
  versions: { 1: PosSequenceGapDetectedData },
  current: 1,
});

export const PosBatchProcessed = defineEvent('PosBatchProcessed', {
  source: EventSource.pos,
  description:
    'A POS batch upload was read to its end (or quarantined whole): counts accepted, duplicate, rejected, quarantined, and sequence gaps per register.',
  versions: { 1: PosBatchProcessedData },
  current: 1,
});

export const PosBatchContinuationRequested = defineEvent('PosBatchContinuationRequested', {
  source: EventSource.pos,
  description:
    'Internal: a POS batch upload is too large for one invocation; the ingest function picks it up again from its checkpoint.',
  versions: { 1: PosBatchContinuationRequestedData },
  current: 1,
});
