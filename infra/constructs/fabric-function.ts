import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource, type SqsEventSourceProps } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
// cdk-nag's own rendering of a CloudFormation reference, so an acknowledgement names a finding exactly as the check does.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { apiCredentialsNameEnvVar, secretNameEnvVar } from '#shared/config/topology';
import {
  MESSAGE_MOVE_TASKS_ENV,
  QUEUE_NAME_PREFIX_ENV,
  bucketEnvVar,
  tableEnvVar,
  tables,
  type Access,
  type BucketAccess,
  type BucketName,
  type FunctionDefinition,
  type TableDefinition,
  type TableName,
} from '#shared/config/topology';
import type { SalesChannel } from '#domain/kernel/order';
import { ERP_CREDENTIALS_NAME_ENV } from '#shared/erp/erp-config';
import { SHIPBOB_CREDENTIALS_NAME_ENV } from '#shared/fulfilment-providers/shipbob';
import { MAX_RECEIVE_COUNTS_ENV } from '#shared/config/env';
import { CLAIM_CHECK_PREFIX } from '#events/claim-check';
import { DEFAULT_TRACING, functionBundling, type FunctionTracing } from '../function-bundling';

const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');

/** cdk-nag IAM5 findings that CDK's own grants produce; each bind method acknowledges those it causes. */
const KMS_WRITE_FINDINGS = ['Action::kms:ReEncrypt*', 'Action::kms:GenerateDataKey*'];
const KMS_WRITE_REASON =
  'Writing to a store encrypted with the fabric data key generates and re-encrypts data keys; the grant names that one key.';
const S3_READ_FINDINGS = ['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*'];
const S3_PUT_FINDINGS = ['Action::s3:Abort*'];

export interface FabricFunctionProps {
  /** The function's name in the topology; it is also its Powertools service name. */
  name: string;
  definition: FunctionDefinition;
  /** Whether it sends X-Ray traces: the region's `tracing` setting, off when unset. */
  tracing?: FunctionTracing;
}

/**
 * A fabric Lambda function: nodejs22.x on arm64, X-Ray tracing where the region turns it on, its own retained log group and an
 * execution role that starts with nothing but that log group. Everything else it may touch is added
 * through the `bind*` methods, each of which sets the environment variable the handler reads and
 * grants the matching least privilege in one step, so the two cannot drift apart.
 */
export class FabricFunction extends NodejsFunction {
  /** What the topology declares for it, as deployed in this region (see infra/regional-functions.ts). */
  readonly definition: FunctionDefinition;
  /** The maxReceiveCount of each queue the function consumes, by queue name (see `consumeQueue`). */
  private readonly receiveLimits: Record<string, number> = {};
  /** The role made for it in the constructor; `this.role` is the same one, typed as possibly absent. */
  private readonly executionRole: iam.Role;

  constructor(scope: Construct, id: string, { name, definition, tracing = DEFAULT_TRACING }: FabricFunctionProps) {
    // The log group and role are siblings because they must exist before super(); an explicit role
    // replaces AWSLambdaBasicExecutionRole, whose logs:CreateLogGroup on * the function never needs.
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${name} function.`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: path.join(REPOSITORY_ROOT, definition.entry),
      handler: 'handler',
      description: definition.description,
      timeout: Duration.seconds(definition.timeoutSeconds),
      memorySize: definition.memoryMb,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      tracing: tracing === 'active' ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      logGroup,
      role,
      projectRoot: REPOSITORY_ROOT,
      depsLockFilePath: path.join(REPOSITORY_ROOT, 'package-lock.json'),
      bundling: functionBundling(tracing),
      environment: {
        POWERTOOLS_SERVICE_NAME: name,
        FABRIC_SECRETS_SOURCE: 'secrets-manager',
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    this.definition = definition;
    this.executionRole = role;

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The fabric targets nodejs22.x on purpose: bundles are built for node22 and tested on it; moving runtimes is a deliberate change, not a default.',
    });
    if (tracing === 'active')
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions.',
      });
  }

  /** Lets the function read (or read and write) a topology table, named by `tableEnvVar(name)`. */
  bindTable(name: TableName, table: dynamodb.ITable, access: Access): void {
    this.addEnvironment(tableEnvVar(name), table.tableName);
    if (access === 'read') {
      table.grantReadData(this);
    } else {
      table.grantReadWriteData(this);
      this.acknowledgeWildcards(KMS_WRITE_FINDINGS, KMS_WRITE_REASON);
    }
    if ((tables[name] as TableDefinition).globalIndexes?.length) {
      this.acknowledgeWildcardUnder(
        table.tableArn,
        '/index/*',
        `Queries may use any index of the ${name} table, and only of that table.`,
      );
    }
  }

  /**
   * Lets the function read a topology bucket ('read'), add objects to it ('write'), or both
   * ('readWrite'), named by `bucketEnvVar(name)`. Writing never includes deleting: the fabric's
   * buckets are append-only archives, so no function can destroy an object or one of its versions.
   */
  bindBucket(name: BucketName, bucket: s3.IBucket, access: BucketAccess): void {
    this.addEnvironment(bucketEnvVar(name), bucket.bucketName);
    const verb = { read: 'Reads', write: 'Adds', readWrite: 'Reads and adds' }[access];
    const reason = `${verb} any object of the ${name} bucket, and only of that bucket: object keys are data-dependent (channel, date, delivery id).`;
    if (access !== 'write') {
      bucket.grantRead(this);
      this.acknowledgeWildcards(S3_READ_FINDINGS, reason);
    }
    if (access !== 'read') {
      bucket.grantPut(this);
      this.acknowledgeWildcards(
        S3_PUT_FINDINGS,
        `Adds objects to the ${name} bucket, and may abort its own failed multipart uploads there.`,
      );
      this.acknowledgeWildcards(KMS_WRITE_FINDINGS, KMS_WRITE_REASON);
    }
    this.acknowledgeWildcardUnder(bucket.bucketArn, '/*', reason);
  }

  /**
   * The claim-check bucket (events too large for the bus), for what the function does with events: a
   * publisher may add payloads under claim-checks/, named by `bucketEnvVar`; a consumer may read them
   * there, from the bucket its events name. Neither may list, read the other's way, or delete.
   */
  bindEventClaimChecks(bucket: s3.IBucket, { publishes, consumes }: { publishes: boolean; consumes: boolean }): void {
    const under = `${CLAIM_CHECK_PREFIX}*`;
    if (publishes) {
      this.addEnvironment(bucketEnvVar('eventClaimChecks'), bucket.bucketName);
      bucket.grantPut(this, under);
      this.acknowledgeWildcards(S3_PUT_FINDINGS, 'May abort its own failed multipart uploads of event payloads.');
      this.acknowledgeWildcards(KMS_WRITE_FINDINGS, KMS_WRITE_REASON);
      this.acknowledgeWildcardUnder(
        bucket.bucketArn,
        `/${under}`,
        'Adds the payload of any event too large for the bus, keyed by day and event id.',
      );
    }
    if (consumes) {
      bucket.grantRead(this, under);
      this.acknowledgeWildcards(
        S3_READ_FINDINGS,
        'Reads the payload any event it consumes points to, and only under claim-checks/.',
      );
      this.acknowledgeWildcardUnder(
        bucket.bucketArn,
        `/${under}`,
        'Reads the payload any event it consumes points to, keyed by day and event id.',
      );
    }
  }

  /**
   * Makes the function a consumer of a work queue, always reporting failures per record, and tells it
   * the queue's maxReceiveCount (by queue name, in MAX_RECEIVE_COUNTS_ENV) in the same step: its queue
   * consumer logs a failure at ERROR only on the receive after which SQS dead-letters the message.
   */
  consumeQueue(
    queue: sqs.IQueue,
    { queueName, maxReceiveCount }: { queueName: string; maxReceiveCount: number },
    source: Omit<SqsEventSourceProps, 'reportBatchItemFailures'>,
  ): void {
    this.addEventSource(new SqsEventSource(queue, { ...source, reportBatchItemFailures: true }));
    this.receiveLimits[queueName] = maxReceiveCount;
    this.addEnvironment(MAX_RECEIVE_COUNTS_ENV, JSON.stringify(this.receiveLimits));
  }

  /**
   * Lets the function look at and redrive the dead-letter queues of `queueNames`: receive, make visible
   * again and delete on each DLQ, start SQS message move tasks from it, and send to its work queue. The
   * queues live in every capability's stack under fixed names (`<prefix>-<queue>`), so the grants name
   * them by ARN instead of referencing them across stacks; QUEUE_NAME_PREFIX_ENV tells the function the
   * prefix, and MESSAGE_MOVE_TASKS_ENV that SQS runs move tasks here.
   */
  bindDeadLetterQueues(namePrefix: string, queueNames: readonly string[]): void {
    this.addEnvironment(QUEUE_NAME_PREFIX_ENV, namePrefix);
    this.addEnvironment(MESSAGE_MOVE_TASKS_ENV, 'true');
    const queueArn = (name: string) => Stack.of(this).formatArn({ service: 'sqs', resource: `${namePrefix}-${name}` });
    this.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'InspectAndRedriveDeadLetters',
        actions: [
          'sqs:GetQueueAttributes',
          'sqs:ReceiveMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:StartMessageMoveTask',
        ],
        resources: queueNames.map((name) => queueArn(`${name}-dlq`)),
      }),
    );
    this.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'SendBackToWorkQueues',
        actions: ['sqs:GetQueueAttributes', 'sqs:SendMessage'],
        resources: queueNames.map(queueArn),
      }),
    );
    // The function knows the topology's queues, not which ones this region deploys: asked for the URL of a
    // queue the region does not have (a channel it does not sell on), SQS must say so rather than deny.
    const regionQueues = queueArn('');
    this.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'FindQueuesByName',
        actions: ['sqs:GetQueueUrl'],
        resources: [`${regionQueues}*`],
      }),
    );
    this.acknowledgeWildcardUnder(
      regionQueues,
      '*',
      "Looks up the URL of the region's queues by name, which reveals nothing but whether the queue exists.",
    );
  }

  /** Lets the function publish to the fabric bus, named by FABRIC_EVENT_BUS_NAME. */
  bindEventBus(bus: events.IEventBus): void {
    this.addEnvironment('FABRIC_EVENT_BUS_NAME', bus.eventBusName);
    bus.grantPutEventsTo(this);
  }

  /**
   * Lets the function read one channel's webhook secret. The environment carries only the secret's
   * name (FABRIC_SECRET_NAME_<CHANNEL>); the value is fetched from Secrets Manager at run time.
   */
  bindChannelSecret(channel: SalesChannel, secret: secretsmanager.ISecret): void {
    this.addEnvironment(secretNameEnvVar(channel), secret.secretName);
    secret.grantRead(this);
  }

  /**
   * Lets the function read one channel's API credentials (`fabric/channel-api/<channel>`, JSON: OAuth
   * client and refresh token, or an access token). The environment carries only the secret's name
   * (FABRIC_CHANNEL_API_CREDENTIALS_NAME_<CHANNEL>); the value is fetched at run time.
   */
  bindChannelApiCredentials(channel: SalesChannel, secret: secretsmanager.ISecret): void {
    this.addEnvironment(apiCredentialsNameEnvVar(channel), secret.secretName);
    secret.grantRead(this);
  }

  /**
   * Lets the function read the ERP's API credentials (JSON, see BusinessCentralCredentials). The
   * environment carries only the secret's name (FABRIC_ERP_CREDENTIALS_NAME); the value is read at run time.
   */
  bindErpCredentials(secret: secretsmanager.ISecret): void {
    this.addEnvironment(ERP_CREDENTIALS_NAME_ENV, secret.secretName);
    secret.grantRead(this);
  }

  /**
   * Lets the function read ShipBob's credentials (JSON, see ShipBobCredentials). The environment
   * carries only the secret's name (FABRIC_SHIPBOB_CREDENTIALS_NAME); the value is read at run time.
   */
  bindThreePlCredentials(secret: secretsmanager.ISecret): void {
    this.addEnvironment(SHIPBOB_CREDENTIALS_NAME_ENV, secret.secretName);
    secret.grantRead(this);
  }

  private acknowledgeWildcards(findings: readonly string[], reason: string): void {
    for (const finding of findings)
      Validations.of(this.executionRole).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }

  /**
   * Acknowledges a wildcard below a store's ARN. The stores live in the stateful stack, so the policy
   * holds the ARN as a read of that stack's output, named only when synthesis resolves cross-stack
   * references; the finding is therefore named from a validation, which runs after that.
   */
  private acknowledgeWildcardUnder(arn: string, suffix: string, reason: string): void {
    this.node.addValidation({
      validate: () => {
        this.acknowledgeWildcards([`Resource::${flattenCfnReference(Stack.of(this).resolve(arn))}${suffix}`], reason);
        return [];
      },
    });
  }
}
