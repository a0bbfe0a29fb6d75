/**
 * How the console writes figures: money as money in its currency, never minor units; times as ages
 * an operator reads at a glance. Pure, so the unit tests cover exactly what the pages show.
 */

export interface MoneyFigure {
  amountMinor: number;
  currency: string;
}

const formatters = new Map<string, Intl.NumberFormat>();
function currencyFormat(currency: string): Intl.NumberFormat {
  let format = formatters.get(currency);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    formatters.set(currency, format);
  }
  return format;
}

/** `{ amountMinor: 13634, currency: 'USD' }` as `$136.34`; the currency's own decimals (¥ none, BHD three). */
export function formatMoney(money: MoneyFigure): string {
  const format = currencyFormat(money.currency);
  const exponent = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(money.amountMinor / 10 ** exponent);
}

/** A decimal amount as a channel or report states it ("136.34") in its currency. */
export function formatDecimal(amount: string | number, currency: string): string {
  return currencyFormat(currency).format(Number(amount));
}

/** How long ago, in the largest unit that reads well: "45 s", "12 min", "3 h 05 min", "2 d 4 h". */
export function formatAge(sinceIso: string, now: Date = new Date()): string {
  return formatDuration(now.getTime() - Date.parse(sinceIso));
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** A timestamp in the operator's own time zone, to the second. */
export function formatTime(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleString('en-GB', { hour12: false });
}
