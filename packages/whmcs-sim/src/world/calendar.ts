// Calendar arithmetic on naive days (days since 1970-01-01 of the WHMCS local calendar), in integer
// math: the generator does it a few million times, where a Date per call would dominate the cost.

export const DAY_SECONDS = 86_400;

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
export function dayFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month 1-12, day 1-31] of a naive day (Hinnant's civil_from_days). */
export function civilFromDay(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function daysInMonth(year: number, month: number): number {
  return (
    dayFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) -
    dayFromCivil(year, month, 1)
  );
}

/**
 * The anchor day moved by whole months, keeping its day of month and clamping to the month's end
 * (a service ordered on the 31st falls due on the 30th in April, on the 31st again in May).
 */
export function addMonths(anchorDay: number, months: number): number {
  const [year, month, day] = civilFromDay(anchorDay);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return dayFromCivil(y, m, Math.min(day, daysInMonth(y, m)));
}

/** Months since 1970-01 of the month holding `day`. */
export function monthIndexOf(day: number): number {
  const [year, month] = civilFromDay(day);
  return year * 12 + (month - 1) - 1970 * 12;
}

/** First day of the month with the given index (months since 1970-01). */
export function dayOfMonthIndex(monthIndex: number): number {
  const index = monthIndex + 1970 * 12;
  return dayFromCivil(Math.floor(index / 12), (index % 12) + 1, 1);
}

/** Parses `YYYY-MM-DD` into a naive day. */
export function dayOfText(text: string): number {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  return dayFromCivil(y, m, d);
}
