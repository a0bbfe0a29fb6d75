import type { APIGatewayProxyResult } from 'aws-lambda';
import { readConfig, requiredName } from '#shared/config/env';
import { tableEnvVar } from '#shared/config/topology';
import { erpReadPorts, erpStatus } from '#shared/operations/erp';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { jsonAnswer } from '#shared/api/http-answer';

const config = readConfig({
  [tableEnvVar('connectorState')]: requiredName,
  [tableEnvVar('orders')]: requiredName,
  [tableEnvVar('exceptions')]: requiredName,
});
const ports = erpReadPorts({
  connectorState: config[tableEnvVar('connectorState')],
  orders: config[tableEnvVar('orders')],
  exceptions: config[tableEnvVar('exceptions')],
});

/**
 * GET /erp/status: `{ breakers: [{ name, status, consecutiveFailures, since }], salesOrdersWaiting:
 * [{ orderId, reservedAt?, deadline?, stuck }], rejections: [...] }` (shared/operations/erp.ts). It
 * takes no input: whatever the query says, the answer is the same.
 */
async function answerErpStatus(): Promise<APIGatewayProxyResult> {
  return jsonAnswer(200, await erpStatus(ports));
}

export const handler = withObservability(answerErpStatus);
