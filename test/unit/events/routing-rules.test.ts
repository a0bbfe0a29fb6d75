import { type EventPattern, routingRules, toSnsFilterPolicy } from '#events/routing-rules';
import type { FabricEvent } from '#domain/kernel/event';

describe('toSnsFilterPolicy', () => {
  test.each(routingRules.map((rule) => [rule.name, rule.pattern] as const))(
    'renders the %s rule as a filter policy that says what its pattern says',
    (_name, pattern) => {
      expect(JSON.parse(toSnsFilterPolicy(pattern))).toEqual(pattern);
    },
  );

  test('passes every operator that EventBridge and SNS both evaluate', () => {
    const pattern: EventPattern = {
      source: ['fabric.intake'],
      detail: {
        data: {
          channelOrderId: [{ prefix: '58' }],
          channel: [{ 'anything-but': ['pos'] }],
          orderId: [{ exists: true }],
          lineCount: [{ numeric: ['>', 0] }],
        },
      },
    };

    expect(() => toSnsFilterPolicy(pattern)).not.toThrow();
  });

  test.each([
    ['wildcard', { wildcard: 'fabric.*' }],
    ['equals-ignore-case', { 'equals-ignore-case': 'FABRIC.INTAKE' }],
  ])('rejects the non-portable operator %s, naming where it is', (operator, matcher) => {
    // Rules are data: an operator outside the portable subset can arrive without the type noticing.
    const pattern = { source: [matcher] } as unknown as EventPattern;

    expect(() => toSnsFilterPolicy(pattern)).toThrow(
      `pattern.source: operator "${operator}" is not portable between EventBridge and SNS`,
    );
  });
});

describe('the accounting journal rule', () => {
  const rule = routingRules.find((candidate) => candidate.name === 'accounting-journal');
  const eventOf = (detailType: string, data: unknown) => ({ detailType, data }) as unknown as FabricEvent;

  test('names the once-only key of a shipment and of a refund, and none of a POS transaction, which keeps no record', () => {
    const businessKey = rule?.processedOnce?.businessKey;

    expect(businessKey?.(eventOf('ShipmentConfirmed', { shipment: { orderId: 'ord_1', shipmentId: 'shp_1' } }))).toBe(
      'sale:ord_1:shp_1',
    );
    expect(businessKey?.(eventOf('RefundReported', { refund: { channel: 'shopify', channelRefundId: '77' } }))).toBe(
      'refund:shopify:77',
    );
    expect(businessKey?.(eventOf('PosTransactionRecorded', { transaction: { transactionId: 'T-1' } }))).toBeUndefined();
  });
});
