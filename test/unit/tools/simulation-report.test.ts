import { failureCause } from '../../../scripts/simulation/report';

describe('what a failed delivery is counted under in the simulation report', () => {
  test("the error's name, not its message, which names the order", () => {
    expect(failureCause('ErpCircuitOpenError: the ERP breaker is open; retry in 1200 ms')).toBe('ErpCircuitOpenError');
    expect(failureCause('PostingInProgressError: order ord_42 is being posted by another worker')).toBe(
      'PostingInProgressError',
    );
  });

  test("a plain sentence (the availability sync's reasons) whole, and a missing reason said so", () => {
    expect(failureCause('shopify did not answer for this SKU')).toBe('shopify did not answer for this SKU');
    expect(failureCause('out of time in this invocation')).toBe('out of time in this invocation');
    expect(failureCause(undefined)).toBe('no reason recorded');
  });
});
