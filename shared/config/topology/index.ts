/**
 * The fabric's resources as data: which tables, buckets and functions exist, which API routes reach
 * which function, and what each function may touch. The CDK constructs and the local runtime both read
 * this, so a resource declared here exists the same way in AWS and on a laptop. Each capability's
 * functions sit in the file named for it, beside its routing rules in events/routing-rules/.
 */
import { accountingFunctions } from './accounting';
import { catalogFunctions } from './catalog';
import { channelSyncFunctions } from './channel-sync';
import { erpFunctions } from './erp';
import { exceptionsFunctions } from './exceptions';
import { fulfilmentFunctions } from './fulfilment';
import { intakeFunctions } from './intake';
import { inventoryFunctions } from './inventory';
import { ordersFunctions } from './orders';
import { posFunctions } from './pos';
import { pricingFunctions } from './pricing';
import { returnsFunctions } from './returns';

export * from './resources';

// Built in a call marked pure: esbuild keeps an object spread even when nothing reads it (a spread may
// run getters), so every function that imports an env-var name from here carried every function's
// definition (21 KiB); a pure call nobody reads is dropped.
export const functions = /* @__PURE__ */ (() => ({
  ...intakeFunctions,
  ...ordersFunctions,
  ...inventoryFunctions,
  ...posFunctions,
  ...returnsFunctions,
  ...accountingFunctions,
  ...erpFunctions,
  ...channelSyncFunctions,
  ...catalogFunctions,
  ...pricingFunctions,
  ...exceptionsFunctions,
  ...fulfilmentFunctions,
}))();
export type FunctionName = keyof typeof functions;
