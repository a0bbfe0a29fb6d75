import { OrderNotPostableError, salesOrderFor } from '../../shared/domain/erp/model';
import { balancedOrder, money, thrownBy } from './builders';

const policy = { customerFor: () => 'SHOPIFY', shippingAccount: '6100' };

describe('sales order for the ERP', () => {
  test('carries the order id as external document number, the lines in minor units and shipping net of its discount', () => {
    const order = balancedOrder({ shipping: [{ method: 'Express', price: money(1200), discount: money(200), taxes: [] }] });

    expect(salesOrderFor(order, policy)).toEqual({
      externalDocumentNumber: order.orderId,
      orderDate: '2025-03-14',
      customerNumber: 'SHOPIFY',
      currency: 'USD',
      lines: [{ itemNumber: 'APP-TSHIRT-RED-M', quantity: 2, unitPrice: money(2500), discount: money(500) }],
      shipping: { accountNumber: '6100', amount: money(1000) },
    });
  });

  test('leaves shipping out when it is free', () => {
    expect(salesOrderFor(balancedOrder({ shipping: [] }), policy).shipping).toBeUndefined();
  });

  test('refuses an order with a line the cross-reference could not map, naming the line', () => {
    const order = balancedOrder();
    const unmapped = { ...order, lines: [{ ...order.lines[0], sku: null }] };

    expect(thrownBy(OrderNotPostableError, () => salesOrderFor(unmapped, policy)).message).toContain('line 0 (TSHIRT-RED-M) has no internal SKU');
  });
});
