import type { CancellationReason, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/*
 * DynamoDB's refusals, told apart by name rather than by class: a class is a value import of the
 * client package, which a bundle pays for in every module that makes one (aws-clients.ts says why).
 * The SDK sets an error's name to the service's error code.
 */

/** Whether DynamoDB refused a write because its condition did not hold. */
export function isConditionFailure(error: unknown): error is ConditionalCheckFailedException {
  return (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

/**
 * Why DynamoDB cancelled a transaction, one reason per item in the order they were sent (`Code` is
 * `ConditionalCheckFailed` for an item whose condition did not hold); undefined for any other error.
 */
export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if ((error as Error | undefined)?.name !== 'TransactionCanceledException') return undefined;
  return (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
}
