import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { StockKey } from '#domain/kernel/product';
import { formatIssues } from '#domain/kernel/validation';
import { inventoryStoreFromEnv } from '#shared/adapters/inventory-store';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { DynamoPublicationLedger, publicationTableFromEnv } from '#shared/adapters/publication-ledger';
import { jsonAnswer } from '#shared/api/http-answer';
import { skuInventory, verifyInventoryNow } from '#shared/operations/inventory';

const { store, policy } = inventoryStoreFromEnv();
const publications = new DynamoPublicationLedger(publicationTableFromEnv());

/**
 * GET /inventory/skus/{sku}: the SKU at every location, what each channel is shown and was last told,
 * and its latest ledger movements; 400 for a malformed SKU, 404 for one no movement ever touched.
 * GET /inventory/verification: positions rebuilt from the ledger and checked against reservations.
 */
async function answerInventory(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  if (event.pathParameters?.sku === undefined) return jsonAnswer(200, await verifyInventoryNow(store));
  const sku = StockKey.safeParse(event.pathParameters.sku);
  if (!sku.success)
    return jsonAnswer(400, {
      message: 'invalid SKU',
      errors: formatIssues(sku.error).map((issue) => ({ ...issue, path: 'sku' })),
    });
  const view = await skuInventory(sku.data, { store, publications, policy });
  return view ? jsonAnswer(200, view) : jsonAnswer(404, { message: `no inventory recorded for SKU ${sku.data}` });
}

export const handler = withObservability(answerInventory);
