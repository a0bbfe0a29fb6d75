/** IANA time zones, as a store's location names one, and local wall-clock times read in them. */

let canonicalTimeZones: ReadonlySet<string> | undefined;

/**
 * Whether the runtime knows the zone as a date-time format takes it. The runtime's list of canonical
 * zones answers first: a function's configuration names store zones as it loads (the inventory policy),
 * and reading the list costs about 1 ms where a first date-time format starts ICU's time zone data,
 * about 10 ms of every cold start. A name the list leaves out (an alias such as `US/Eastern`, `UTC`, an
 * offset, another case) is still asked of a format, which decides as before.
 */
export function isTimeZone(timeZone: string): boolean {
  canonicalTimeZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (canonicalTimeZones.has(timeZone)) return true;
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** `2017-10-01T15:15:25` or `2017-10-01T15:15:25.120`: a date-time with neither `Z` nor an offset. */
export const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

export function isLocalDateTime(text: string): boolean {
  return LOCAL_DATE_TIME.test(text.trim());
}

/**
 * The instant a local wall-clock time names in a time zone, as ISO 8601 with that zone's offset then
 * (`2017-10-01T15:15:25-07:00`); undefined when the text is not a local date-time. A time that the
 * clocks skipped (spring forward) reads with the offset before the change, and a time they went
 * through twice (fall back) as its first occurrence, which is what a till that wrote it meant the
 * moment it rang up, give or take the hour of the change.
 */
export function localDateTimeIn(text: string, timeZone: string): string | undefined {
  const match = LOCAL_DATE_TIME.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '00', fraction] = match;
  const wall = Date.UTC(+year, +month - 1, +day, +hour, +minute, +second);
  if (Number.isNaN(wall)) return undefined;
  // The zone's offset at the instant the wall time would be in UTC, then at the instant it names.
  const before = offsetMinutes(wall, timeZone);
  const candidate = wall - before * 60_000;
  const after = offsetMinutes(candidate, timeZone);
  const offset = offsetMinutes(wall - after * 60_000, timeZone) === after ? after : before;
  const sign = offset < 0 ? '-' : '+';
  const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const mm = String(Math.abs(offset) % 60).padStart(2, '0');
  return `${year}-${month}-${day}T${hour}:${minute}:${second}${fraction ? `.${fraction}` : ''}${sign}${hh}:${mm}`;
}

/** The zone's offset from UTC, in minutes, at an instant. */
function offsetMinutes(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const field = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}
