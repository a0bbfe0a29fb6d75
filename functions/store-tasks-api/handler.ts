import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import * as z from '#domain/kernel/schema';
import {
  RequestStatus,
  StoreTaskInputError,
  StoreTaskNotFoundError,
  StoreTaskStateError,
  actOnStoreTask,
  requestView,
  type StoreTaskAction,
} from '#domain/fulfilment';
import { formatIssues } from '#domain/kernel/validation';
import { ShipmentConfirmationRequest } from '#domain/orders/shipment-confirmation';
import { fulfilmentPortsFromEnv } from '#shared/wiring/fulfilment-ports';
import { inventoryStoreFromEnv } from '#shared/adapters/inventory-store';
import { withObservability } from '#shared/adapters/lambda-middleware';
import { logger } from '#shared/adapters/observability';
import { jsonAnswer, jsonBody } from '#shared/api/http-answer';
import { PathId, invalidPathId } from '#shared/api/path-id';
import { auditedCaller } from '#shared/api/caller';

const { ports, shipments, policy } = fulfilmentPortsFromEnv();
const inventory = inventoryStoreFromEnv();

const Reason = z.string().check(z.trim(), z.minLength(1), z.maxLength(1000));
const { carrier, trackingNumber } = ShipmentConfirmationRequest.shape;
/**
 * Each action's body: a rejection says why, a collection carries the customer's code, a shipment its
 * tracking (as POST /shipments takes it, which the shipment goes through). A field an action does not
 * take is refused, not ignored: a store app sending one has misread the contract.
 */
const ActionBody = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('accept') }),
  z.strictObject({ action: z.literal('picked') }),
  z.strictObject({ action: z.literal('reject'), reason: Reason }),
  z.strictObject({ action: z.literal('collect'), code: z.string().check(z.trim(), z.minLength(1), z.maxLength(20)) }),
  z.strictObject({ action: z.literal('shipped'), carrier, trackingNumber }),
]);
const TasksQuery = z.object({ status: z.optional(RequestStatus) });

/**
 * GET /stores/{storeId}/tasks[?status=open]: `{storeId, tasks}` newest first, without pickup codes.
 * GET /orders/{orderId}/fulfilment: `{orderId, sourcing?, requests}`. POST /store-tasks/{taskId}/{action}
 * (accept | picked | reject {reason} | collect {code} | shipped {carrier, trackingNumber}): 200 `{task}`;
 * 400 naming the field (a wrong pickup code names `code`), 404 for an unknown task or store, 409 naming
 * the status when the action does not apply. Every action records the caller's IAM identity.
 */
async function answerStoreTasks(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
  shipments.registerLambdaContext(context);
  const params = event.pathParameters ?? {};
  for (const [name, value] of Object.entries(params)) {
    const valid = PathId.safeParse(value);
    if (!valid.success) return invalidPathId(name, valid.error);
  }
  if (params.storeId) {
    const location = policy.locations.find((candidate) => candidate.id === params.storeId);
    if (location?.kind !== 'store') return jsonAnswer(404, { message: `no store ${params.storeId}` });
    const query = TasksQuery.safeParse(event.queryStringParameters ?? {});
    if (!query.success) return jsonAnswer(400, { message: 'invalid query', errors: formatIssues(query.error) });
    const tasks = await ports.store.listByLocation(params.storeId, query.data.status);
    return jsonAnswer(200, { storeId: params.storeId, tasks: tasks.map(requestView) });
  }
  if (params.orderId) {
    const [requests, reservation] = await Promise.all([
      ports.store.listByOrder(params.orderId),
      inventory.store.readReservation(params.orderId),
    ]);
    const sourcing = reservation.header?.sourcing;
    return jsonAnswer(200, {
      orderId: params.orderId,
      ...(sourcing ? { sourcing } : {}),
      requests: requests.map(requestView),
    });
  }
  const read = jsonBody(event);
  if ('refusal' in read) return read.refusal;
  if (typeof read.body !== 'object' || read.body === null || Array.isArray(read.body))
    return jsonAnswer(400, {
      message: `invalid ${params.action ?? ''} request`,
      errors: [{ path: '(body)', message: 'must be a JSON object' }],
    });
  const body = ActionBody.safeParse({ ...read.body, action: params.action });
  if (!body.success)
    return jsonAnswer(400, { message: `invalid ${params.action ?? ''} request`, errors: formatIssues(body.error) });
  try {
    const task = await actOnStoreTask(
      params.taskId as string,
      body.data as StoreTaskAction,
      auditedCaller(event),
      ports,
    );
    logger.info('store task moved', { taskId: task.requestId, action: body.data.action, status: task.status });
    return jsonAnswer(200, { task });
  } catch (error) {
    if (error instanceof StoreTaskNotFoundError) return jsonAnswer(404, { message: error.message });
    if (error instanceof StoreTaskStateError) return jsonAnswer(409, { message: error.message });
    if (error instanceof StoreTaskInputError)
      return jsonAnswer(400, { message: error.message, errors: [{ path: error.path, message: error.message }] });
    throw error;
  }
}

export const handler = withObservability(answerStoreTasks);
