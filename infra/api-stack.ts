import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FabricApi } from './constructs/fabric-api';
import type { FabricFunction } from './constructs/fabric-function';
import { OpsConsole } from './constructs/ops-console';

export interface ApiStackProps extends StackProps {
  env: { region: string; account?: string };
  /** The region's name prefix, for the console's user pool and sign-in domain. */
  namePrefix: string;
  /** Every function of the region; those with `routes` are served. */
  functions: readonly FabricFunction[];
}

/**
 * The region's REST API: the one address channels and back-office systems call, in front of functions
 * of several capability stacks. It is a stack of its own so that it depends on them and none of them
 * on it; a capability can be redeployed without touching the API, and the API (stage, throttles,
 * access logs) without touching a function.
 *
 * The ops console is here too, because the API and the console name each other: the API admits the
 * console's origin in its CORS answers, the console's group roles name the API's routes and its page
 * the API's URL. In one stack CloudFormation orders them; in two, each would wait on the other.
 */
export class ApiStack extends Stack {
  readonly api: FabricApi;
  readonly console: OpsConsole;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    this.api = new FabricApi(this, 'Api', { functions: props.functions });
    this.console = new OpsConsole(this, 'Console', {
      namePrefix: props.namePrefix,
      api: this.api.restApi,
      routes: this.api.routes,
    });
    this.api.admitConsoleOrigin(this.console.origin);
    new CfnOutput(this, 'ApiUrl', {
      value: this.api.restApi.url,
      description: 'Channels get <ApiUrl>webhooks/<channel> as their webhook address.',
    });
    new CfnOutput(this, 'ConsoleUrl', {
      value: `${this.console.origin}/`,
      description:
        'The ops console; an administrator adds each user to the viewer or operator group (docs/console-aws.md).',
    });
    new CfnOutput(this, 'ConsoleUserPoolId', { value: this.console.userPool.userPoolId });
  }
}
