/** One calendar day or month in a time zone. */
export interface CalendarWindow {
  kind: 'day' | 'month';
  /** `2026-01-05` for a day, `2026-01` for a month (local dates of the time zone). */
  id: string;
  /** Epoch milliseconds of the window's first instant. */
  start: number;
  /** Epoch milliseconds of the next window's first instant: when a budget resets. */
  end: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The calendar day or month around `now` in `timeZone` (IANA name). Local
 * midnights are found through the zone's offset, so days of 23 or 25 hours
 * (daylight saving changes) end at the real local midnight.
 */
export function calendarWindow(kind: 'day' | 'month', now: number, timeZone: string): CalendarWindow {
  const local = localDate(now, timeZone);
  if (kind === 'day') {
    return { kind, id: `${local.year}-${pad(local.month)}-${pad(local.day)}`, start: localMidnight(local.year, local.month, local.day, timeZone), end: localMidnight(local.year, local.month, local.day + 1, timeZone) };
  }
  return { kind, id: `${local.year}-${pad(local.month)}`, start: localMidnight(local.year, local.month, 1, timeZone), end: localMidnight(local.year, local.month + 1, 1, timeZone) };
}

/** Whether `timeZone` is an IANA name this Node.js knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** `2026-01-06T00:00:00+01:00`: an instant as local time with its offset, for messages people read. */
export function formatLocalTime(time: number, timeZone: string): string {
  const local = localDate(time, timeZone);
  const offsetMinutes = Math.round((Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) - Math.floor(time / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const offset = offsetMinutes === 0 ? 'Z' : `${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
  return `${local.year}-${pad(local.month)}-${pad(local.day)}T${pad(local.hour)}:${pad(local.minute)}:${pad(local.second)}${offset}`;
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function localDate(time: number, timeZone: string): LocalDate {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(time)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** Epoch milliseconds of local midnight at the start of year-month-day (overflowing days and months roll over). */
function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  // The offset at the guess, then at the corrected guess: right on both sides of a daylight saving change.
  let guess = wall - offsetAt(wall, timeZone);
  guess = wall - offsetAt(guess, timeZone);
  return guess;
}

/** Milliseconds the zone is ahead of UTC at `time`. */
function offsetAt(time: number, timeZone: string): number {
  const local = localDate(time, timeZone);
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second) - Math.floor(time / 1000) * 1000;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
