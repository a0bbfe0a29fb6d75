import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { traced } from './observability';
import { withoutRequestLogging } from './sdk-request-logging';

/*
 * SDK clients, made once per process. Endpoints come from the SDK's own AWS_ENDPOINT_URL_<SERVICE>
 * variables, so the local runtime points the very same code at DynamoDB Local and fauxqs; in AWS
 * those variables are unset. Path-style S3 is the one switch the emulator needs besides endpoints.
 */
let dynamo: DynamoDBClient | undefined;
let documents: DynamoDBDocumentClient | undefined;
let s3: S3Client | undefined;
let eventBridge: EventBridgeClient | undefined;
let sns: SNSClient | undefined;
let sqs: SQSClient | undefined;

export function dynamoClient(): DynamoDBClient {
  dynamo ??= traced(withoutRequestLogging(new DynamoDBClient({})));
  return dynamo;
}

export function documentClient(): DynamoDBDocumentClient {
  documents ??= DynamoDBDocumentClient.from(dynamoClient(), { marshallOptions: { removeUndefinedValues: true } });
  return documents;
}

export function s3Client(): S3Client {
  s3 ??= traced(
    withoutRequestLogging(new S3Client({ forcePathStyle: process.env.FABRIC_S3_FORCE_PATH_STYLE === 'true' })),
  );
  return s3;
}

export function eventBridgeClient(): EventBridgeClient {
  eventBridge ??= traced(withoutRequestLogging(new EventBridgeClient({})));
  return eventBridge;
}

export function snsClient(): SNSClient {
  sns ??= traced(withoutRequestLogging(new SNSClient({})));
  return sns;
}

export function sqsClient(): SQSClient {
  // Requests go to the region's endpoint, not to the host a queue URL names: in AWS the two are the
  // same; the local emulator names its queues under a host that is not its address, and the client
  // would print a warning with a stack trace on every call that names such a queue.
  sqs ??= traced(withoutRequestLogging(new SQSClient({ useQueueUrlAsEndpoint: false })));
  return sqs;
}
