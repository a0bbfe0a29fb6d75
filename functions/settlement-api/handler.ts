import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { readConfig, requiredName } from '#shared/config/env';
import { tableEnvVar } from '#shared/config/topology';
import { settlementDetail, settlementRecords, settlementSummaries } from '#shared/operations/settlements';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { jsonAnswer } from '#shared/api/http-answer';
import { PathId, invalidPathId } from '#shared/api/path-id';

const config = readConfig({ [tableEnvVar('accounting')]: requiredName });
const records = settlementRecords(config[tableEnvVar('accounting')]);

/**
 * GET /settlements: `{ settlements: [...] }`, each report's header, counts and amounts per how its
 * orders matched, newest first. GET /settlements/{settlementId}: `{ settlement, orders }`, each order
 * with its charges, fees, what was expected, the variances and the report lines it came from
 * (shared/operations/settlements.ts); 404 for a settlement never reconciled.
 */
async function answerSettlements(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const id = event.pathParameters?.settlementId;
  if (id === undefined) return jsonAnswer(200, { settlements: await settlementSummaries(records) });
  const settlementId = PathId.safeParse(id);
  if (!settlementId.success) return invalidPathId('settlementId', settlementId.error);
  const detail = await settlementDetail(records, settlementId.data);
  return detail
    ? jsonAnswer(200, detail)
    : jsonAnswer(404, { message: `no reconciliation report for settlement ${settlementId.data}` });
}

export const handler = withObservability(answerSettlements);
