import type { DeployedFunctions } from './resources';

/** The console's overview: orders per hour, open exceptions over time, channel lag. */
export const overviewFunctions = {} satisfies DeployedFunctions;
