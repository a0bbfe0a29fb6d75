import { App } from 'aws-cdk-lib';
import { addFabricStacks } from './fabric-app';

/** `cdk synth|deploy --all [-c regions=us-east-1,eu-west-1]`: the RetailFabric-<region>-* stacks of each region. */
addFabricStacks(new App());
