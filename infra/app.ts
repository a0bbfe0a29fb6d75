import { App } from 'aws-cdk-lib';
import { addFabricStacks } from './fabric-app';

/** `cdk synth|deploy [-c regions=us-east-1,eu-west-1]`: one RetailFabric stack per region. */
addFabricStacks(new App());
