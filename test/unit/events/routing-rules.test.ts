import { type EventPattern, routingRules, toSnsFilterPolicy } from '#events/routing-rules';

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
