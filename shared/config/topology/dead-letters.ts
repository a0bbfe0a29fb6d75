import type { DeployedFunctions } from './resources';

/** The API over every rule's dead-letter queue: depth, peek and redrive. The exceptions stack deploys it. */
export const deadLetterFunctions = {} satisfies DeployedFunctions;
