import * as z from '#domain/kernel/schema';
import { CustomerReturn, ReturnNeedsAttentionData } from './model';
import { EventSource, defineEvent } from '#domain/kernel/event';

export const ReturnReceived = defineEvent('ReturnReceived', {
  source: EventSource.returns,
  description: 'A customer return was received through some channel.',
  versions: { 1: z.object({ customerReturn: CustomerReturn }) },
  current: 1,
});

export const ReturnNeedsAttention = defineEvent('ReturnNeedsAttention', {
  source: EventSource.returns,
  description:
    'A received return, or some of its lines, could not be acted on: no matching order or order line, no receiving location, or the stock books refused it.',
  versions: { 1: ReturnNeedsAttentionData },
  current: 1,
});
