import { isLocalDateTime, isTimeZone, localDateTimeIn } from '#domain/kernel/time-zone';

describe('local wall-clock times read in a store time zone', () => {
  it('gives a local time the offset its zone had then, summer and winter', () => {
    expect(localDateTimeIn('2026-11-24T09:12:30', 'Europe/Amsterdam')).toBe('2026-11-24T09:12:30+01:00');
    expect(localDateTimeIn('2026-07-01T09:12:30', 'Europe/Amsterdam')).toBe('2026-07-01T09:12:30+02:00');
    expect(localDateTimeIn('2017-10-01T15:15:25', 'America/Los_Angeles')).toBe('2017-10-01T15:15:25-07:00');
    expect(localDateTimeIn('2026-11-24T23:59:59.250', 'Asia/Kolkata')).toBe('2026-11-24T23:59:59.250+05:30');
    expect(localDateTimeIn('2026-11-24T10:00', 'UTC')).toBe('2026-11-24T10:00:00+00:00');
  });

  it('reads a time the clocks went through twice as its first occurrence, and a skipped one with the offset before', () => {
    // New York fell back at 02:00 EDT on 2026-11-01 and sprang forward at 02:00 EST on 2026-03-08.
    expect(localDateTimeIn('2026-11-01T01:30:00', 'America/New_York')).toBe('2026-11-01T01:30:00-04:00');
    expect(localDateTimeIn('2026-03-08T02:30:00', 'America/New_York')).toBe('2026-03-08T02:30:00-05:00');
  });

  it('reads only date-times without an offset, and names real zones only', () => {
    expect(isLocalDateTime('2017-10-01T02:01:31')).toBe(true);
    expect(isLocalDateTime('2017-10-01T02:01:31Z')).toBe(false);
    expect(isLocalDateTime('2017-10-01T02:01:31-05:00')).toBe(false);
    expect(localDateTimeIn('2017-10-01T02:01:31+02:00', 'UTC')).toBeUndefined();
    expect(isTimeZone('Europe/Amsterdam')).toBe(true);
    expect(isTimeZone('Europe/Atlantis')).toBe(false);
  });

  it('takes the aliases, the case and the offsets a date-time format takes, beyond the canonical zones', () => {
    expect(isTimeZone('America/Chicago')).toBe(true);
    expect(isTimeZone('US/Eastern')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('america/chicago')).toBe(true);
    expect(isTimeZone('+05:30')).toBe(true);
    expect(isTimeZone('')).toBe(false);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
