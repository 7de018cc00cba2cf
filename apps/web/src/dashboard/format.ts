// How the dashboard writes numbers and times.
import { pageLocale } from '../ui/locale.ts';

/** A number as the dashboard shows it: fixed decimals, no grouping, so it reads (and parses) the same everywhere. */
export function formatValue(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

const clock = new Intl.DateTimeFormat(pageLocale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** "14:05:30": a time on a chart's axis or under its pointer, short enough for several to fit side by side. */
export function formatClockTime(unixSeconds: number): string {
  return clock.format(unixSeconds * 1000);
}

const byteUnits = ['bytes', 'KiB', 'MiB', 'GiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < byteUnits.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${byteUnits[unit]}`;
}

/** "3 h 12 min", "4 min 05 s", "12 s". */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}
