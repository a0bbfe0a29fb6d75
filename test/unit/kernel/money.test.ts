import fc from 'fast-check';
import {
  CurrencyMismatchError,
  MoneyFormatError,
  formatDecimalMoney,
  parseDecimalMoney,
  sumMoney,
} from '#domain/kernel/money';
import { money } from '../builders';

describe('parseDecimalMoney', () => {
  test.each([
    ['19.99', 'USD', 1999],
    ['0.1', 'USD', 10],
    ['-5', 'USD', -500],
    ['1200', 'JPY', 1200],
    ['1.250', 'KWD', 1250],
  ])('reads "%s" %s as exactly %d minor units', (decimal, currency, amountMinor) => {
    const parsed = parseDecimalMoney(decimal, currency);

    expect(parsed).toEqual({ amountMinor, currency });
  });

  test('rejects more decimals than the currency has instead of rounding', () => {
    const act = () => parseDecimalMoney('1.999', 'USD');

    expect(act).toThrow(MoneyFormatError);
    expect(act).toThrow('more than 2 decimals for USD');
  });

  test('rejects text that is not a decimal amount', () => {
    expect(() => parseDecimalMoney('abc', 'USD')).toThrow(MoneyFormatError);
  });

  test.each(['', '-', '.', '1.', '.5', '-.5', '1..2', '1.2.3', '--1', '1-', '+1', '1e5', '1 000', '١'])(
    'rejects "%s", which is not a decimal amount either',
    (text) => {
      expect(() => parseDecimalMoney(text, 'USD')).toThrow(`"${text.trim()}" is not a decimal amount`);
    },
  );

  test.each([
    [' 19.90 ', 'USD', 1990],
    ['-0.5', 'USD', -50],
    ['007', 'JPY', 7],
    ['1.2500', 'KWD', 1250],
    ['90071992547409.91', 'USD', 9007199254740991],
  ])('reads "%s" %s as %d minor units', (text, currency, amountMinor) => {
    expect(parseDecimalMoney(text, currency)).toEqual({ amountMinor, currency });
  });
});

describe('formatDecimalMoney', () => {
  test.each([
    [money(1999), '19.99'],
    [money(-5), '-0.05'],
    [money(1200, 'JPY'), '1200'],
    [money(1250, 'KWD'), '1.250'],
  ])('writes %o as "%s"', (amount, decimal) => {
    expect(formatDecimalMoney(amount)).toBe(decimal);
  });

  test('round-trips any safe amount in any currency through parseDecimalMoney', () => {
    const amounts = fc.record({
      amountMinor: fc.maxSafeInteger(),
      currency: fc.constantFrom('USD', 'EUR', 'JPY', 'KRW', 'KWD', 'BHD', 'GBP'),
    });

    fc.assert(
      fc.property(amounts, (amount) => {
        const decimal = formatDecimalMoney(amount);
        const reparsed = parseDecimalMoney(decimal, amount.currency);

        expect(reparsed).toEqual(amount);
        expect(formatDecimalMoney(reparsed)).toBe(decimal);
      }),
    );
  });
});

describe('sumMoney', () => {
  test('adds amounts of one currency', () => {
    expect(sumMoney('USD', [money(1999), money(1), money(-500)])).toEqual(money(1500));
  });

  test('refuses to add another currency into the total', () => {
    const act = () => sumMoney('USD', [money(1999), money(1000, 'EUR')]);

    expect(act).toThrow(CurrencyMismatchError);
  });
});
