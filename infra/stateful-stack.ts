import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { constructId } from './constructs/construct-id';
import { DataStores } from './constructs/data-stores';
import { EventBackbone } from './constructs/event-backbone';
import { ResourceDirectory } from './constructs/resource-directory';

export interface StatefulStackProps extends StackProps {
  env: { region: string; account?: string };
  /** The region's name prefix: the bus is `<prefix>`, the dashboard and queues start with it. */
  namePrefix: string;
  /** Days the raw archive keeps order data; absent, for good (region setting rawArchiveRetentionDays). */
  rawArchiveRetentionDays?: number;
}

/**
 * What a region must never lose: its tables, buckets and data key, the bus and a year of its events in
 * the archive, and the directory the ops CLI finds them through. Every other stack of the region
 * depends on this one and nothing here names them, so functions, queues and alarms can be replaced
 * freely. Termination protection is on: deleting this stack is a deliberate, two-step act (and even
 * then tables, buckets and the key are retained).
 */
export class StatefulStack extends Stack {
  readonly stores: DataStores;
  readonly backbone: EventBackbone;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, { ...props, terminationProtection: true });
    this.stores = new DataStores(this, 'DataStores', { rawArchiveRetentionDays: props.rawArchiveRetentionDays });
    this.backbone = new EventBackbone(this, 'EventBackbone', { namePrefix: props.namePrefix });
    new ResourceDirectory(this, 'ResourceDirectory', {
      namePrefix: props.namePrefix,
      tables: this.stores.tables,
      buckets: this.stores.buckets,
      bus: this.backbone.bus,
      archive: this.backbone.archive,
    });

    new CfnOutput(this, 'EventBusName', { value: this.backbone.bus.eventBusName });
    for (const [name, bucket] of Object.entries(this.stores.buckets)) {
      new CfnOutput(this, `${constructId(name)}BucketName`, { value: bucket.bucketName });
    }
  }
}
