import type { PosTransactionDraft, PosTransactionKey } from './transaction';

/** A line of an upload that goes to quarantine instead of the books, with why. */
export interface QuarantinedLine {
  lineNumber: number;
  raw: string;
  reason: string;
}

/**
 * Where a later invocation can pick the upload up so that everything before has been yielded: the
 * next line number, and its byte offset in the decompressed content when the format allows a ranged
 * read from there (CSV and JSONL), null otherwise (POSLog XML restarts and skips).
 */
export interface ResumePoint {
  line: number;
  offset: number | null;
}

/** What a parser yields, in file order: a valid transaction, or lines that failed validation. */
export type PosParsedItem =
  | { kind: 'transaction'; firstLine: number; transaction: PosTransactionDraft; resume: ResumePoint }
  | {
      kind: 'rejected';
      firstLine: number;
      /** The transaction's key when it was readable: a rejected transaction still used its sequence number. */
      key?: PosTransactionKey;
      lines: QuarantinedLine[];
      resume: ResumePoint;
    };

/** Raw text kept in quarantine records is capped; a multi-megabyte line is described, not copied. */
export const MAX_QUARANTINED_RAW_CHARS = 64 * 1024;

export function quarantinedRaw(text: string): string {
  return text.length > MAX_QUARANTINED_RAW_CHARS
    ? `${text.slice(0, MAX_QUARANTINED_RAW_CHARS)}... [${text.length - MAX_QUARANTINED_RAW_CHARS} more characters]`
    : text;
}
