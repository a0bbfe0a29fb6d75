import * as z from '#domain/kernel/schema';
import { PermanentError } from './errors';

/**
 * ISO 4217 minor-unit exponents that differ from the common 2. Anything absent here has 2 decimals.
 * Kept explicit because a wrong exponent silently multiplies a price by 10 or 100.
 */
const CURRENCY_EXPONENTS: Record<string, number> = {
  BHD: 3,
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  IQD: 3,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  KWD: 3,
  CLF: 4,
  LYD: 3,
  OMR: 3,
  PYG: 0,
  RWF: 0,
  TND: 3,
  UGX: 0,
  UYI: 0,
  UYW: 4,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
};

/**
 * The ISO 4217 currencies a buyer can pay in (list one, as of 2025). Precious metals, the SDR, bond
 * units and the testing codes (XAU, XDR, XBA, XTS, XXX...) are left out: no channel sells in them, so
 * an order naming one is a mapping error like any invented code ("ZZZ"), never an amount to post.
 */
const ISO_4217_CURRENCIES = new Set(
  `
  AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
  CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
  GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
  KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN
  NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL
  SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES
  VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
`
    .trim()
    .split(/\s+/),
);

/** Whether a code is a currency a buyer can pay in; the format check alone lets "ZZZ" through. */
export function isIsoCurrency(code: string): boolean {
  return ISO_4217_CURRENCIES.has(code);
}

export const CurrencyCode = z.string().check(
  z.regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as USD', abort: true }),
  // The shape alone lets an invented code ("ZZZ") through, with no minor unit to trust.
  z.refine(isIsoCurrency, 'is not an ISO 4217 currency'),
);
export type CurrencyCode = z.infer<typeof CurrencyCode>;

/** Money is always an integer number of minor units (cents, pence, yen) with its currency. Never a float. */
export const Money = z.object({
  amountMinor: z.number().check(z.int(), z.refine(Number.isSafeInteger, 'must be a safe integer')),
  currency: CurrencyCode,
});
export type Money = z.infer<typeof Money>;

export class MoneyFormatError extends PermanentError {
  override name = 'MoneyFormatError';
}

export class CurrencyMismatchError extends PermanentError {
  override name = 'CurrencyMismatchError';
}

export function currencyExponent(currency: string): number {
  return CURRENCY_EXPONENTS[currency] ?? 2;
}

/**
 * Parses a channel's decimal string ("19.99", "-5", "0.5") into minor units exactly, without passing
 * through a float. Throws MoneyFormatError when the string carries more precision than the currency
 * has: rounding is a business rule that belongs to the caller, never an accident of parsing.
 */
export function parseDecimalMoney(decimal: string | number, currency: string): Money {
  const text = typeof decimal === 'number' ? String(decimal) : decimal.trim();
  // Read by character codes rather than a regex and its match array: every amount of every order passes here.
  const negative = text.charCodeAt(0) === MINUS;
  const start = negative ? 1 : 0;
  let point = -1;
  for (let i = start; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === POINT && point < 0 && i > start && i < text.length - 1) point = i;
    else if (code < DIGIT_0 || code > DIGIT_9) throw new MoneyFormatError(`"${text}" is not a decimal amount`);
  }
  if (text.length === start) throw new MoneyFormatError(`"${text}" is not a decimal amount`);
  const whole = point < 0 ? text.slice(start) : text.slice(start, point);
  const fraction = point < 0 ? '' : text.slice(point + 1);
  const exponent = currencyExponent(currency);
  let significant = fraction.length;
  while (significant > 0 && fraction.charCodeAt(significant - 1) === DIGIT_0) significant -= 1;
  if (significant > exponent) {
    throw new MoneyFormatError(`"${text}" has more than ${exponent} decimals for ${currency}`);
  }
  const digits = whole + (fraction.length >= exponent ? fraction.slice(0, exponent) : fraction.padEnd(exponent, '0'));
  // Up to 15 digits a double holds the integer exactly: BigInt, three times slower, only beyond.
  const unsigned = digits.length <= 15 ? Number(digits) : Number(BigInt(digits));
  const amountMinor = negative ? 0 - unsigned : unsigned;
  if (!Number.isSafeInteger(amountMinor)) throw new MoneyFormatError(`"${text}" is too large`);
  return { amountMinor, currency };
}

const MINUS = 45;
const POINT = 46;
const DIGIT_0 = 48;
const DIGIT_9 = 57;

/** Formats minor units back to a decimal string in the currency's precision, for channel APIs and humans. */
export function formatDecimalMoney(money: Money): string {
  const exponent = currencyExponent(money.currency);
  const negative = money.amountMinor < 0;
  const digits = String(Math.abs(money.amountMinor)).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(-exponent)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

export function zeroMoney(currency: string): Money {
  return { amountMinor: 0, currency };
}

/** Adds amounts of one currency; throws CurrencyMismatchError rather than mixing currencies. */
export function sumMoney(currency: string, amounts: readonly Money[]): Money {
  let total = 0;
  for (const amount of amounts) total += minorUnitsIn(currency, amount);
  return { amountMinor: total, currency };
}

/** An amount's minor units, to be added to a total in `currency`; throws CurrencyMismatchError for another currency. */
export function minorUnitsIn(currency: string, amount: Money): number {
  if (amount.currency !== currency) {
    throw new CurrencyMismatchError(`cannot add ${amount.currency} to a ${currency} total`);
  }
  return amount.amountMinor;
}

export function subtractMoney(left: Money, right: Money): Money {
  if (left.currency !== right.currency) {
    throw new CurrencyMismatchError(`cannot subtract ${right.currency} from ${left.currency}`);
  }
  return { amountMinor: left.amountMinor - right.amountMinor, currency: left.currency };
}
