import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  CopyObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { traced } from './observability';
import { withoutRequestLogging } from './sdk-request-logging';

/*
 * The one module of ours that imports values from the SDK's client packages: adapters take their
 * commands from here and tell errors apart by name (dynamo-errors.ts). The packages are CommonJS, and
 * the bundler copies a CommonJS package's exports, one getter each, onto a fresh object for every ES
 * module that imports it: 709 for the S3 client, 526 for DynamoDB's, at a few microseconds each while
 * a function loads. With six adapters importing DynamoDB's and four S3's, fulfilment-release spent
 * about 22 ms of its cold load on the copies (bench: "cold load vs SDK"). A re-export is one more
 * import to the bundler, hence one import per package above and the names passed on here.
 */
export {
  BatchGetCommand,
  BatchWriteCommand,
  ChangeMessageVisibilityBatchCommand,
  CopyObjectCommand,
  DeleteCommand,
  DeleteMessageCommand,
  GetCommand,
  GetObjectCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListObjectsV2Command,
  PublishBatchCommand,
  PutCommand,
  PutEventsCommand,
  PutObjectCommand,
  QueryCommand,
  ReceiveMessageCommand,
  ScanCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
  TransactWriteCommand,
  UpdateCommand,
};

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
