import { SAMPLE_CATALOG } from './shopify-orders';

/** On-hand units the sample shop counts at each location when `npm start` begins. */
const SAMPLE_SHELVES = { 'wh-east': 40, 'store-042': 8 } as const;

/**
 * Counts the sample catalogue's shelves through `POST /inventory/adjustments`, as a store associate
 * with a scanner would: a count sets on hand, whatever earlier runs left, and keeps what earlier
 * runs' orders still hold reserved. Keyed per run, so the counts apply once per `npm start`.
 */
export async function countSampleStock(
  apiUrl: string,
  runId: string,
): Promise<{ summary: string; versions: Record<string, number> }> {
  const answers: number[] = [];
  for (const item of SAMPLE_CATALOG) {
    for (const [locationId, countedOnHand] of Object.entries(SAMPLE_SHELVES)) {
      const response = await fetch(`${apiUrl}/inventory/adjustments`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': `sample-count-${runId}-${item.sku}-${locationId}`,
        },
        body: JSON.stringify({
          type: 'count',
          sku: item.sku,
          locationId,
          countedOnHand,
          reference: { kind: 'stock_count', id: `sample-${runId}` },
        }),
      });
      answers.push(response.status);
    }
  }
  const versions: Record<string, number> = {};
  for (const item of SAMPLE_CATALOG) versions[item.sku] = (await availabilityAfter(apiUrl, item.sku, -1)).version;
  const statuses = [...new Set(answers)].join('/');
  return {
    summary: `${statuses}, ${SAMPLE_CATALOG.length} SKUs counted at ${Object.entries(SAMPLE_SHELVES)
      .map(([l, n]) => `${l} (${n})`)
      .join(' and ')}`,
    versions,
  };
}

/** Availability of a SKU once its version passes `afterVersion` (a reservation landed), or as it is after `timeoutMs`. */
export async function availabilityAfter(
  apiUrl: string,
  sku: string,
  afterVersion: number,
  timeoutMs = 5000,
): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = (await (await fetch(`${apiUrl}/availability/${encodeURIComponent(sku)}`)).json()) as Record<
      string,
      any
    >;
    if (view.version > afterVersion || Date.now() > deadline) return view;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
