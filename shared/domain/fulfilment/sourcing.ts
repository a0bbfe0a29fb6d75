import { z } from 'zod';
import { DeliveryMethod } from '#domain/kernel/order';

/**
 * What a reservation records of the sourcing rule that chose its locations: enough for `order show`,
 * the trace and a later re-sourcing (the ranked candidates) without reading the rules again.
 */
export const SourcingDecision = z.object({
  /** The matched rule's id, or `channel-default` when no rule matched and the channel's ranking applied. */
  ruleId: z.string().min(1),
  /** The rule set's version the rule was read from (0 for the channel default). */
  ruleVersion: z.number().int().min(0),
  deliveryMethod: DeliveryMethod,
  /** Candidate locations, best first, after ranking. */
  candidates: z.array(z.string().min(1)),
  shipComplete: z.boolean(),
  maxParts: z.number().int().positive(),
  /** One sentence a person reads: which rule, why it matched, how it ranked. */
  reason: z.string().min(1),
});
export type SourcingDecision = z.infer<typeof SourcingDecision>;
