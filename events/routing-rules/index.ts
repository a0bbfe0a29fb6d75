/**
 * Every route from the bus to a consumer. Read by the CDK event backbone and by the local runtime.
 * Each capability's rules sit in the file named for it, beside its functions in shared/config/topology/.
 */
import { accountingRules } from './accounting';
import { channelSyncRules } from './channel-sync';
import { erpRules } from './erp';
import { exceptionsRules } from './exceptions';
import { fulfilmentRules } from './fulfilment';
import { intakeRules } from './intake';
import { inventoryRules } from './inventory';
import { ordersRules } from './orders';
import { posRules } from './pos';
import { pricingRules } from './pricing';
import { returnsRules } from './returns';
import type { EventPattern, RoutingRule } from './rule';

export type { EventPattern, PatternMatcher, ProcessedOnce, QueueTarget, RoutingRule } from './rule';

export const routingRules: readonly RoutingRule[] = [
  ...intakeRules,
  ...inventoryRules,
  ...posRules,
  ...ordersRules,
  ...erpRules,
  ...pricingRules,
  ...returnsRules,
  ...accountingRules,
  ...channelSyncRules,
  ...exceptionsRules,
  ...fulfilmentRules,
];

const SUPPORTED_OPERATORS = new Set(['prefix', 'anything-but', 'exists', 'numeric']);

/**
 * Renders a rule's pattern as an SNS filter policy (MessageBody scope). Throws on an operator SNS
 * cannot evaluate, so a rule that would behave differently locally fails at startup, not silently.
 */
export function toSnsFilterPolicy(pattern: EventPattern): string {
  assertPortable(pattern, 'pattern');
  return JSON.stringify(pattern);
}

function assertPortable(node: unknown, path: string): void {
  if (Array.isArray(node)) {
    for (const matcher of node) {
      if (matcher !== null && typeof matcher === 'object') {
        for (const operator of Object.keys(matcher)) {
          if (!SUPPORTED_OPERATORS.has(operator)) {
            throw new Error(`${path}: operator "${operator}" is not portable between EventBridge and SNS`);
          }
        }
      }
    }
    return;
  }
  if (node !== null && typeof node === 'object') {
    for (const [key, child] of Object.entries(node)) assertPortable(child, `${path}.${key}`);
  }
}
