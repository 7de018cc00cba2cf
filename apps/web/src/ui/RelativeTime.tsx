import { useEffect, useState } from 'react';
import { pageLocale } from './locale.ts';

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
  ['second', 1000],
];
const format = new Intl.RelativeTimeFormat(pageLocale, { numeric: 'auto', style: 'short' });

export function relativeTime(date: Date, now = Date.now()): string {
  const diff = date.getTime() - now;
  for (const [unit, ms] of units) {
    if (Math.abs(diff) >= ms || unit === 'second') return format.format(Math.round(diff / ms), unit);
  }
  return '';
}

/** "3 min ago", kept fresh; the exact time is in the title and the datetime attribute. */
export function RelativeTime({ date }: { date: Date }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(id);
  }, []);
  return (
    <time dateTime={date.toISOString()} title={date.toLocaleString(pageLocale)}>
      {relativeTime(date, now)}
    </time>
  );
}
