import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { readConfig, requiredName } from '#shared/config/env';
import {
  QUIET_STORE_HOURS_ENV,
  QuietAfterHours,
  isStoreId,
  storeDetail,
  storeRecords,
  storeStatuses,
} from '#shared/operations/stores';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { jsonAnswer } from '#shared/api/http-answer';

const config = readConfig({
  FABRIC_BUCKET_POS_BATCHES: requiredName,
  [QUIET_STORE_HOURS_ENV]: QuietAfterHours,
});
const records = storeRecords(config.FABRIC_BUCKET_POS_BATCHES);
const quietAfterHours = config[QUIET_STORE_HOURS_ENV];

/**
 * GET /stores: `{ quietAfterHours, stores: [{ storeId, lastUpload, quiet, sinceLastUploadMs }] }`, by
 * store id. GET /stores/{storeId}: its recent uploads, open sequence gaps and quarantined lines
 * (shared/operations/stores.ts); 400 for an id the upload contract refuses, 404 for a store that never uploaded.
 */
async function answerStores(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const storeId = event.pathParameters?.storeId;
  if (storeId === undefined)
    return jsonAnswer(200, { quietAfterHours, stores: await storeStatuses(records, quietAfterHours) });
  if (!isStoreId(storeId))
    return jsonAnswer(400, {
      message: 'invalid storeId',
      errors: [
        { path: 'storeId', message: 'must be letters, digits, "-" and "_", as the upload contract names stores' },
      ],
    });
  const detail = await storeDetail(records, storeId, quietAfterHours);
  return detail
    ? jsonAnswer(200, { quietAfterHours, ...detail })
    : jsonAnswer(404, { message: `no upload from store ${storeId}` });
}

export const handler = withObservability(answerStores);
