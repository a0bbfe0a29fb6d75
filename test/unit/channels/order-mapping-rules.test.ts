import { OrderMappingError } from '#domain/intake/channel-ports';
import { percentToRate, quantityAt, unitPriceOf } from '#shared/channels/order-mapping';
import { money, thrownBy } from '../builders';

describe('unitPriceOf: extended channel amounts to canonical unit prices', () => {
  test.each([
    [5000, 2, 2500],
    [4350, 3, 1450],
    [4800, 2, 2400],
  ])('divides %d minor units by %d units into exactly %d', (extended, quantity, unit) => {
    expect(unitPriceOf(money(extended), quantity, 'line')).toEqual(money(unit));
  });

  test('never rounds: an amount that does not divide is a mapping error naming the remainder', () => {
    const error = thrownBy(OrderMappingError, () => unitPriceOf(money(1000), 3, 'OrderItems.0.ItemPrice'));

    expect(error.details).toEqual([
      {
        path: 'OrderItems.0.ItemPrice',
        message: '10.00 USD for 3 units leaves 0.01 that no equal unit price reproduces',
      },
    ]);
  });
});

describe('quantityAt', () => {
  test.each([
    ['2', 2],
    [3, 3],
    [' 10 ', 10],
  ])('reads %p as %d units', (value, expected) => {
    expect(quantityAt(value, 'q')).toBe(expected);
  });

  test.each(['1.5', '0', '-1', 'two', 0, 2.5])('refuses %p', (value) => {
    expect(() => quantityAt(value, 'q')).toThrow(OrderMappingError);
  });
});

describe('percentToRate', () => {
  test.each([
    ['8.875', '0.08875'],
    ['20', '0.2'],
    ['7.25', '0.0725'],
    ['100', '1'],
    ['0', '0'],
    ['10.0', '0.1'],
  ])('moves the point of %s to %s without floats', (percent, rate) => {
    expect(percentToRate(percent)).toBe(rate);
  });
});
