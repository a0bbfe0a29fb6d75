import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FabricApi } from './constructs/fabric-api';
import type { FabricFunction } from './constructs/fabric-function';

export interface ApiStackProps extends StackProps {
  env: { region: string; account?: string };
  /** Every function of the region; those with `routes` are served. */
  functions: readonly FabricFunction[];
}

/**
 * The region's REST API: the one address channels and back-office systems call, in front of functions
 * of several capability stacks. It is a stack of its own so that it depends on them and none of them
 * on it; a capability can be redeployed without touching the API, and the API (stage, throttles,
 * access logs) without touching a function.
 */
export class ApiStack extends Stack {
  readonly api: FabricApi;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    this.api = new FabricApi(this, 'Api', { functions: props.functions });
    new CfnOutput(this, 'ApiUrl', {
      value: this.api.restApi.url,
      description: 'Channels get <ApiUrl>webhooks/<channel> as their webhook address.',
    });
  }
}
