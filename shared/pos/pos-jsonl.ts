import { describeIssues, toPosTransactionDraft, type PosTransactionKey } from '#domain/pos/transaction';
import type { SourceLine } from '#shared/text/byte-stream';
import { quarantinedRaw, type PosParsedItem } from '#domain/pos/parsed-item';

/**
 * POS JSONL: one transaction per line, a JSON object with the fields of RawPosTransaction
 * (storeId, registerId, businessDay, sequence, endedAt, currency, lines, tax, tenders, ...). Amounts
 * are decimal strings ("24.00"), so no float ever touches money; so is a weighed line's quantity
 * ("0.420", with "unit": "kg"). Blank lines are skipped.
 */
export async function* jsonlItems(
  batches: AsyncIterable<SourceLine[]>,
  options: { storeId?: string; timeZone?: string } = {},
): AsyncGenerator<PosParsedItem[]> {
  for await (const lines of batches) {
    const items: PosParsedItem[] = [];
    for (const line of lines) {
      if (line.tooLong) {
        items.push(reject(line, 'the line is longer than 1 MiB'));
        continue;
      }
      if (line.text.trim() === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(line.text);
      } catch (error) {
        items.push(reject(line, `not valid JSON: ${(error as Error).message}`));
        continue;
      }
      if (json === null || typeof json !== 'object' || Array.isArray(json)) {
        items.push(reject(line, 'not a JSON object: each line is one transaction'));
        continue;
      }
      const result = toPosTransactionDraft(json, options);
      items.push(
        result.ok
          ? {
              kind: 'transaction',
              firstLine: line.lineNumber,
              transaction: result.transaction,
              resume: { line: line.lineNumber + 1, offset: line.nextOffset },
            }
          : reject(line, describeIssues(result.issues), result.key),
      );
    }
    if (items.length) yield items;
  }
}

function reject(line: SourceLine, reason: string, key?: PosTransactionKey): PosParsedItem {
  return {
    kind: 'rejected',
    firstLine: line.lineNumber,
    ...(key ? { key } : {}),
    lines: [{ lineNumber: line.lineNumber, raw: quarantinedRaw(line.text), reason }],
    resume: { line: line.lineNumber + 1, offset: line.nextOffset },
  };
}
