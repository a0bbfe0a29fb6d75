import * as z from '#domain/kernel/schema';
import { CurrencyCode } from '#domain/kernel/money';

const JournalLine = z
  .object({
    account: z.string().check(z.minLength(1)),
    debitMinor: z.number().check(z.int(), z.nonnegative()),
    creditMinor: z.number().check(z.int(), z.nonnegative()),
    /** The order line, POS transaction or settlement line this amount came from. */
    reference: z.string().check(z.minLength(1)),
    memo: z.optional(z.string()),
  })
  .check(
    z.refine((l) => (l.debitMinor === 0) !== (l.creditMinor === 0), {
      message: 'must carry exactly one of a debit or a credit',
    }),
  );

/** A double-entry journal entry in one currency. Parsing it proves it balances to the minor unit. */
export const JournalEntry = z
  .object({
    entryId: z.string().check(z.minLength(1)),
    postingDate: z.iso.date(),
    currency: CurrencyCode,
    memo: z.string(),
    lines: z.array(JournalLine).check(z.minLength(2)),
  })
  .check(
    z.refine((e) => sum(e.lines, 'debitMinor') === sum(e.lines, 'creditMinor'), {
      path: ['lines'],
      message: 'debits and credits must balance',
    }),
  );
export type JournalEntry = z.infer<typeof JournalEntry>;

function sum(
  lines: readonly { debitMinor: number; creditMinor: number }[],
  side: 'debitMinor' | 'creditMinor',
): number {
  return lines.reduce((total, line) => total + line[side], 0);
}
