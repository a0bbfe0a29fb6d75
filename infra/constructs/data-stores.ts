import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  buckets,
  tables,
  type BucketDefinition,
  type BucketName,
  type TableDefinition,
  type TableName,
} from '#shared/config/topology';
import { constructId } from './construct-id';
import { rawArchiveExpiries, type ArchiveExpiry } from '#shared/config/raw-archive-retention';

export interface DataStoresProps {
  /** Days the raw archive keeps order data; absent, for good. Unverified requests go after a week regardless. */
  rawArchiveRetentionDays?: number;
}

/**
 * The fabric's stateful stores, exactly as the topology declares them: DynamoDB tables and S3 buckets,
 * encrypted at rest with one rotating customer-managed key, and retained when the stack is deleted.
 * Orders and raw deliveries outlive any deployment of the code that wrote them.
 */
export class DataStores extends Construct {
  /** Encrypts tables and buckets; grants on them include the matching key permissions. */
  readonly dataKey: kms.Key;
  readonly tables: Record<TableName, dynamodb.Table>;
  readonly buckets: Record<BucketName, s3.Bucket>;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: DataStoresProps = {},
  ) {
    super(scope, id);
    this.dataKey = new kms.Key(this, 'DataKey', {
      description: 'Encrypts the retail fabric orders, cross-references and raw deliveries at rest.',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.tables = Object.fromEntries(
      (Object.entries(tables) as [TableName, TableDefinition][]).map(([name, definition]) => [
        name,
        this.createTable(name, definition),
      ]),
    ) as Record<TableName, dynamodb.Table>;

    const accessLogs = this.createAccessLogBucket();
    this.buckets = Object.fromEntries(
      (Object.keys(buckets) as BucketName[]).map((name) => [name, this.createBucket(name, accessLogs)]),
    ) as Record<BucketName, s3.Bucket>;
  }

  private createTable(name: TableName, definition: TableDefinition): dynamodb.Table {
    const table = new dynamodb.Table(this, `${constructId(name)}Table`, {
      partitionKey: stringAttribute(definition.partitionKey),
      sortKey: definition.sortKey ? stringAttribute(definition.sortKey) : undefined,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      timeToLiveAttribute: definition.timeToLiveAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of definition.globalIndexes ?? []) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: stringAttribute(index.partitionKey),
        sortKey: index.sortKey ? stringAttribute(index.sortKey) : undefined,
      });
    }
    return table;
  }

  private createBucket(name: BucketName, accessLogs: s3.IBucket): s3.Bucket {
    const { expireAfterDays } = buckets[name] as BucketDefinition;
    return new s3.Bucket(this, `${constructId(name)}Bucket`, {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      // One data key per bucket per day instead of a KMS call per webhook archived.
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: `${name}/`,
      lifecycleRules: [
        {
          // Deliveries are read again only for replays and audits. S3 skips objects under 128 KB by
          // default, so this moves large POS batches and bulk deliveries, not single webhooks.
          transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }],
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          ...(expireAfterDays ? expiryRule({ prefix: '', days: expireAfterDays }) : {}),
        },
        ...(name === 'rawArchive' ? rawArchiveExpiries(this.props.rawArchiveRetentionDays).map(expiryRule) : []),
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  private createAccessLogBucket(): s3.Bucket {
    return new s3.Bucket(this, 'AccessLogBucket', {
      // S3 server access logging can only deliver to a bucket encrypted with S3-managed keys.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

/** Every key in the topology is a string: composite `pk`/`sk` values and idempotency hashes. */
function stringAttribute(name: string): dynamodb.Attribute {
  return { name, type: dynamodb.AttributeType.STRING };
}

/** Deletes what a prefix holds after its days; the bucket is versioned, so the version left behind goes a day later. */
function expiryRule({ prefix, days }: ArchiveExpiry): s3.LifecycleRule {
  return {
    ...(prefix ? { prefix } : {}),
    expiration: Duration.days(days),
    noncurrentVersionExpiration: Duration.days(1),
  };
}
